/** Which gateway actions ask first: every one that interrupts what the gateway serves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmationOf } from '../../renderer/src/view/confirmations.ts';
import { t } from '../../src/contract/i18n.ts';
import type { StatusAction } from '../../src/core/status/gateway-status.ts';

const running = { state: 'healthy' as const, containerId: 'c1', containerState: 'running' as const };
const exited = { state: 'error' as const, containerId: 'c1', containerState: 'exited' as const };

test('Stop and Restart always ask first, each with its own words', () => {
  const stop = confirmationOf('stop', running)!;
  const restart = confirmationOf('restart', running)!;
  assert.equal(t(restart.title, { name: 'local' }), 'Restart the gateway of profile local?');
  assert.match(t(restart.body), /Requests in flight are dropped/);
  assert.equal(t(restart.confirm), 'Restart');
  assert.equal(t(stop.title, { name: 'local' }), 'Stop the gateway of profile local?');
  assert.ok(confirmationOf('stop', exited), 'stopping is asked even when the container exited');
});

test('renewing asks only when it restarts a running gateway', () => {
  assert.match(t(confirmationOf('renew-cert', running)!.body), /the gateway restarts/);
  assert.equal(confirmationOf('renew-cert', exited), undefined);
});

test('what changes nothing that serves is not asked', () => {
  for (const a of ['launch', 'show-logs', 'start-docker', 'retry'] satisfies StatusAction[]) assert.equal(confirmationOf(a, running), undefined, a);
});
