/**
 * The one labelled text field every form of the window uses: its label names the input, its hint and
 * message describe it (in that order, with any other describing element between), an error marks it
 * invalid and replaces a note, and the message keeps the id and test id a form gives it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { tsImport } from 'tsx/esm/api';
import type { TextFieldProps } from '../../renderer/src/common/TextField.tsx';

// tsx compiles with the root tsconfig, which does not include renderer/ (its JSX would come out as
// React.createElement calls); the renderer's own tsconfig compiles the component as Vite does.
const RENDERER_TSCONFIG = fileURLToPath(new URL('../../renderer/tsconfig.json', import.meta.url));
const { TextField } = (await tsImport('../../renderer/src/common/TextField.tsx', { parentURL: import.meta.url, tsconfig: RENDERER_TSCONFIG })) as typeof import('../../renderer/src/common/TextField.tsx');

const render = (props: Partial<TextFieldProps>): string => renderToStaticMarkup(createElement(TextField, { id: 'route-path', label: 'Path', value: '/', onChange: () => {}, ...props }));

const attr = (html: string, tag: string, name: string): string | undefined => new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`).exec(html)?.[1];
const spanText = (html: string, id: string): string | undefined => new RegExp(`<span[^>]*id="${id}"[^>]*>([^<]*)</span>`).exec(html)?.[1];
const spanClass = (html: string, id: string): string | undefined => new RegExp(`<span[^>]*id="${id}"[^>]*class="([^"]*)"`).exec(html)?.[1] ?? new RegExp(`<span[^>]*class="([^"]*)"[^>]*id="${id}"`).exec(html)?.[1];

test('the label names the input; the hint, other describers and the message describe it, in that order', () => {
  const html = render({ hint: 'Starts with /', describedBy: ['upstream-advice'], messageId: 'path-error', messageTestId: 'error-path' });
  assert.equal(attr(html, 'label', 'for'), 'route-path');
  assert.equal(attr(html, 'input', 'id'), 'route-path');
  assert.equal(attr(html, 'input', 'aria-describedby'), 'route-path-hint upstream-advice path-error');
  assert.equal(attr(html, 'input', 'aria-invalid'), 'false');
  assert.equal(spanText(html, 'route-path-hint'), 'Starts with /');
  assert.equal(attr(html, 'span', 'data-testid'), 'error-path');
  assert.equal(spanText(html, 'path-error'), '', 'no error: the message is empty (and hidden by .field-error:empty)');
  assert.equal(spanClass(html, 'path-error'), 'field-error');
});

test('an error marks the input invalid and stands in the message; the hint stays', () => {
  const html = render({ hint: 'Starts with /', error: 'A path starts with "/".', messageId: 'path-error' });
  assert.equal(attr(html, 'input', 'aria-invalid'), 'true');
  assert.equal(spanText(html, 'path-error'), 'A path starts with &quot;/&quot;.');
  assert.equal(spanText(html, 'route-path-hint'), 'Starts with /');
});

test('a note is the message while there is no error, styled as a hint; an error replaces it', () => {
  const quiet = render({ id: 'port-control', note: 'Free.' });
  assert.equal(attr(quiet, 'input', 'aria-describedby'), 'port-control-msg', 'the message id defaults to <id>-msg');
  assert.equal(spanText(quiet, 'port-control-msg'), 'Free.');
  assert.equal(spanClass(quiet, 'port-control-msg'), 'hint');
  const empty = render({ id: 'port-control', note: '' });
  assert.equal(spanClass(empty, 'port-control-msg'), 'hint', 'an empty note keeps the hint line, so the grid does not jump');
  const bad = render({ id: 'port-control', note: 'Free.', error: 'Port 9180 is in use by another program.' });
  assert.equal(spanText(bad, 'port-control-msg'), 'Port 9180 is in use by another program.');
  assert.equal(spanClass(bad, 'port-control-msg'), 'field-error');
});

test('announce: only an error is an alert; other input attributes reach the input; children follow the message', () => {
  assert.equal(attr(render({ announce: true, note: 'Paste it.' }), 'span', 'role'), undefined);
  assert.equal(attr(render({ announce: true, error: 'Refused.' }), 'span', 'role'), 'alert');
  assert.equal(attr(render({ error: 'Refused.' }), 'span', 'role'), undefined, 'without announce no alert');
  const html = render({ type: 'password', autoComplete: 'off', placeholder: 'p', spellCheck: false, className: 'grow', children: createElement('button', { type: 'button' }, 'Use 9181') });
  assert.equal(attr(html, 'input', 'type'), 'password');
  assert.equal(attr(html, 'input', 'autoComplete'), 'off');
  assert.equal(attr(html, 'input', 'spellCheck'), 'false');
  assert.equal(attr(html, 'div', 'class'), 'field grow');
  assert.match(html, /<\/span><button type="button">Use 9181<\/button><\/div>$/);
});
