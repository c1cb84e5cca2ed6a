import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catalogue, isMessageKey, t } from '../../src/contract/i18n.ts';

test('t() fills placeholders and leaves unknown ones visible', () => {
  assert.equal(t('wizard.progress', { n: 2, total: 5, name: 'Ports' }), 'Step 2 of 5: Ports');
  assert.equal(t('wizard.progress', { n: 2 }), 'Step 2 of {total}: {name}');
  assert.ok(isMessageKey('state.healthy'));
  assert.ok(!isMessageKey('toString'));
});

test('every state, action and stage the core can report has a string', () => {
  for (const s of ['stopped', 'starting', 'healthy', 'degraded', 'lost', 'error']) assert.ok(isMessageKey(`state.${s}`), s);
  for (const a of ['launch', 'restart', 'stop', 'renew-cert', 'show-logs', 'start-docker', 'retry']) assert.ok(isMessageKey(`action.${a}`), a);
  for (const s of ['control-plane', 'preflight', 'resolve', 'certificate', 'module', 'files', 'image', 'container', 'register']) assert.ok(isMessageKey(`stage.${s}`), s);
  for (const m of ['open-agent', 'api7', 'unknown']) assert.ok(isMessageKey(`dash.module.${m}`), m);
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.tsx') ? [p] : [];
  });
}

test('the renderer shows no literal text outside t(): JSX text is only whitespace or punctuation', () => {
  const root = resolve(import.meta.dirname, '../../renderer/src');
  for (const file of files(root)) {
    const text = readFileSync(file, 'utf8');
    // Text between a closing '>' and the next '<' or '{' that holds a letter is a literal string in JSX.
    const literals = [...text.matchAll(/>([^<>{}]*[A-Za-z][^<>{}]*)</g)].map((m) => m[1]!.trim()).filter((s) => s && !/[;=()[\]&|]/.test(s)); // code, not text
    assert.deepEqual(literals, [], `${file} has literal UI text`);
  }
  assert.ok(Object.keys(catalogue).length > 100);
});
