/**
 * Cancel wherever a launch runs, and a cloud profile with no token: the outcome a cancel is told with,
 * the stages a window opened mid-launch shows, and the dashboard's state card as it renders (a launch
 * under way with its Cancel; no token with its fix and no Launch).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { register } from 'tsx/esm/api';
import type { GatewayTrayApi, StatusSnapshot } from '../../src/contract/ipc-contract.ts';
import { DEFAULT_APP_SETTINGS } from '../../src/core/app/app-settings.ts';
import { GatewayActions } from '../../src/core/app/gateway-actions.ts';
import { cancelOutcome, isCancellation } from '../../renderer/src/view/cancel-outcome.ts';
import { launchStageStates } from '../../renderer/src/view/launch-stage-states.ts';
import { tokenMissing } from '../../renderer/src/view/token-missing.ts';

const RENDERER_TSCONFIG = fileURLToPath(new URL('../../renderer/tsconfig.json', import.meta.url));
// One namespace for both imports: the card and the context it reads must be the same module instances.
const renderer = register({ namespace: 'renderer-launch-cancel', tsconfig: RENDERER_TSCONFIG });
const load = <T>(path: string): Promise<T> => renderer.import(path, import.meta.url) as Promise<T>;
const { StateCard } = await load<typeof import('../../renderer/src/dashboard/StateCard.tsx')>('../../renderer/src/dashboard/StateCard.tsx');
const { ApiContext } = await load<typeof import('../../renderer/src/hooks/api-context.ts')>('../../renderer/src/hooks/api-context.ts');

const stopped: StatusSnapshot['status'] = { state: 'stopped', reasons: [{ code: 'not-running', message: 'No gateway container runs.', action: 'launch' }], profile: 'team', engine: { ready: true }, at: 0 };
const snapshot = (over: Partial<StatusSnapshot> = {}): StatusSnapshot => ({
  status: stopped,
  profile: { name: 'team', kind: 'cloud', apiUrl: 'https://cp.example.test', image: 'apache/apisix:3.13.0-debian', ports: { proxyHttp: 9080, proxyHttps: 9443, control: 9090, prometheus: 9091 }, module: 'auto', isDefault: true, hasToken: true },
  gatewayUrl: 'http://127.0.0.1:9080',
  settings: { ...DEFAULT_APP_SETTINGS, onboarded: true },
  ...over,
});
const noToken = (over: Partial<StatusSnapshot> = {}) => snapshot({ ...over, profile: { ...snapshot().profile, hasToken: false } });

/** Server rendering runs no effect, so no request is ever made: any call would be a test bug. */
const noCallsApi = new Proxy({} as GatewayTrayApi, {
  get: (_t, name) => () => {
    throw new Error(`the render called api.${String(name)}`);
  },
});
const renderCard = (s: StatusSnapshot): string => renderToStaticMarkup(createElement(ApiContext.Provider, { value: noCallsApi }, createElement(StateCard, { snapshot: s, onShowLogs: () => {}, onNavigate: () => {} })));
const buttonsIn = (html: string): string[] => [...html.matchAll(/<button\b[^>]*>(.*?)<\/button>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));

test('a cancel rolled back cleanly says nothing was left running', () => {
  const ended = { status: stopped, lastLaunchError: { name: 'GatewayError', message: 'The launch was cancelled.', code: 'image', reason: 'cancelled' } };
  assert.deepEqual(cancelOutcome({ cancelled: true }, ended), { tone: 'ok', text: 'Launch cancelled; nothing was left running.' });
});

test('a rollback that failed names what it left, as an error', () => {
  const ended = { status: stopped, lastLaunchError: { name: 'GatewayError', message: 'The launch was cancelled.\nRolling back also failed: could not undo "container abc": conflict', code: 'container', reason: 'cancelled' } };
  const told = cancelOutcome({ cancelled: true }, ended);
  assert.equal(told.tone, 'bad');
  assert.equal(told.text, 'Launch cancelled, but undoing it left something behind: could not undo "container abc": conflict');
});

test('a launch that finished first, no launch at all, and one still rolling back are each said as such', () => {
  assert.match(cancelOutcome({ cancelled: true }, { status: { ...stopped, state: 'healthy' } }).text, /had finished before it could be cancelled/);
  assert.deepEqual(cancelOutcome({ cancelled: false }, undefined), { tone: 'info', text: 'No launch was under way any more: there was nothing to cancel.' });
  assert.match(cancelOutcome({ cancelled: true }, { status: stopped, launching: { stage: 'image', status: 'progress', message: '' } }).text, /still rolling back/);
  assert.match(cancelOutcome({ cancelled: true }, undefined).text, /still rolling back/);
});

test('a cancellation is told apart from a failure by its reason code', () => {
  assert.equal(isCancellation({ reason: 'cancelled', message: 'Pull aborted' }), true);
  assert.equal(isCancellation({ message: 'The launch was cancelled for a reason of its own' }), false, 'the reason decides, not the wording');
  assert.equal(isCancellation({ reason: 'port-in-use', message: 'Port 9080 is in use' }), false);
  assert.equal(isCancellation(undefined), false);
});

test('a window opened mid-launch shows the stages before the latest as done, and events win over that', () => {
  const stages = GatewayActions.stages();
  const states = launchStageStates(stages, {}, { stage: 'image', status: 'progress', message: 'Pulling' });
  const ids = stages.map((s) => s.id);
  for (const id of ids.slice(0, ids.indexOf('image'))) assert.equal(states[id], 'done', id);
  assert.equal(states.image, 'progress');
  assert.equal(states.container, undefined, 'later stages wait');
  assert.equal(launchStageStates(stages, { module: 'skipped' }, { stage: 'image', status: 'progress', message: '' }).module, 'skipped');
  assert.deepEqual(launchStageStates(stages, { preflight: 'start' }, undefined), { preflight: 'start' });
});

test('no token: only a cloud profile whose gateway does not run, and only while none is stored', () => {
  assert.equal(tokenMissing(noToken()), true);
  assert.equal(tokenMissing(snapshot()), false);
  assert.equal(tokenMissing(snapshot({ profile: { ...snapshot().profile, kind: 'local', hasToken: undefined } })), false);
  const running = { ...stopped, state: 'degraded' as const, containerId: 'c1', containerState: 'running' as const, reasons: [] };
  assert.equal(tokenMissing(noToken({ status: running })), false, 'a running gateway is not launched again');
});

test('the state card of a cloud profile with no token shows the reason and its fix, and no Launch', () => {
  const html = renderCard(noToken());
  assert.match(html, /data-reason="token-missing"/);
  assert.match(html, /No access token is stored for this profile/);
  const buttons = buttonsIn(html);
  assert.ok(buttons.includes('Set the token'), `buttons: ${buttons.join(', ')}`);
  assert.ok(!buttons.includes('Launch'), `buttons: ${buttons.join(', ')}`);
  // With the token stored, Launch is the main action again.
  const withToken = renderCard(snapshot());
  assert.doesNotMatch(withToken, /data-reason="token-missing"/);
  assert.match(withToken, /<button type="button" class="primary"[^>]*>.*?Launch<\/button>/);
});

test('the state card of a launch under way shows its stages and a Cancel, not the gateway actions', () => {
  const html = renderCard(snapshot({ status: { ...stopped, state: 'starting', reasons: [] }, launching: { stage: 'image', status: 'progress', message: 'Pulling apache/apisix' } }));
  assert.match(html, /data-testid="dashboard-launch"/);
  assert.match(html, /<button type="button" data-testid="launch-cancel">.*?Cancel the launch<\/button>/);
  assert.ok(!buttonsIn(html).includes('Launch'), 'no second Launch while one runs');
  assert.doesNotMatch(html, /aria-label="Gateway actions"/);
});

test('a cancelled last launch is not shown as a failure on the card; another failure is', () => {
  const cancelled = renderCard(snapshot({ lastLaunchError: { name: 'GatewayError', message: 'The launch was cancelled.', code: 'image', reason: 'cancelled' } }));
  assert.doesNotMatch(cancelled, /The last launch failed/);
  const failed = renderCard(snapshot({ lastLaunchError: { name: 'GatewayError', message: 'Port 9080 is in use', code: 'preflight', reason: 'port-in-use' } }));
  assert.match(failed, /The last launch failed/);
});
