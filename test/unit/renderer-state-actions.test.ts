/** The dashboard's state → action mapping: every state offers what fixes it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayRuns, offeredActions } from '../../renderer/src/view/state-actions.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';

const s = (over: Partial<GatewayStatus>): Pick<GatewayStatus, 'containerId' | 'containerState' | 'state' | 'reasons'> => ({ state: 'healthy', reasons: [], ...over });

test('an Error with an exited container is not running: Launch first, and Stop to leave Error', () => {
  const crashed = s({ state: 'error', containerId: 'c1', containerState: 'exited', reasons: [{ code: 'crashed', message: 'exit 137', action: 'launch' }] });
  assert.equal(gatewayRuns(crashed), false);
  assert.deepEqual(offeredActions(crashed), ['launch', 'stop']);
});

test('a running gateway offers Restart and Stop, with the reason action first', () => {
  const lost = s({ state: 'lost', containerId: 'c1', containerState: 'running', reasons: [{ code: 'heartbeat-lost', message: '', action: 'restart' }] });
  assert.deepEqual(offeredActions(lost), ['restart', 'stop']);
  const expired = s({ state: 'error', containerId: 'c1', containerState: 'running', reasons: [{ code: 'cert-expired', message: '', action: 'renew-cert' }] });
  assert.equal(gatewayRuns(expired), true, 'an Error with a running container still runs');
  assert.deepEqual(offeredActions(expired), ['renew-cert', 'restart', 'stop']);
});

test('no container: Launch; a snapshot without containerState (an older core) errs on the side of Launch in Error', () => {
  assert.deepEqual(offeredActions(s({ state: 'stopped', reasons: [{ code: 'not-running', message: '', action: 'launch' }] })), ['launch']);
  assert.equal(gatewayRuns(s({ state: 'error', containerId: 'c1' })), false);
  assert.equal(gatewayRuns(s({ state: 'degraded', containerId: 'c1' })), true);
});
