import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AutoRenewer } from '../../src/core/gateway/auto-renew.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';

const status = (codes: string[], containerId: string | null = 'c1'): GatewayStatus => ({
  state: codes.includes('cert-expired') ? 'error' : 'degraded',
  reasons: codes.map((code) => ({ code, message: code })),
  profile: 'local',
  engine: { ready: true },
  ...(containerId ? { containerId } : {}),
  at: 0,
});

test('renews once when due and allowed; not when disabled, not without a container, not for other reasons', async () => {
  let renewals = 0;
  let enabled = true;
  let after = 0;
  const r = new AutoRenewer({ enabled: () => enabled, renew: async () => void renewals++, afterRenew: () => void after++ });
  await r.onStatus(status(['healthy']));
  await r.onStatus(status(['cert-expiring'], null));
  assert.equal(renewals, 0);
  await r.onStatus(status(['cert-expiring']));
  assert.equal(renewals, 1);
  assert.equal(after, 1);
  enabled = false;
  await r.onStatus(status(['cert-expired']));
  assert.equal(renewals, 1);
});

test('one attempt at a time, and after a failure not again before the retry delay', async () => {
  let now = 0;
  let attempts = 0;
  let release!: () => void;
  const r = new AutoRenewer({
    enabled: () => true,
    now: () => now,
    retryAfterMs: 60_000,
    renew: () => {
      attempts++;
      return new Promise<void>((_, reject) => (release = () => reject(new Error('control plane down'))));
    },
  });
  const first = r.onStatus(status(['cert-expiring']));
  await r.onStatus(status(['cert-expiring']));
  assert.equal(attempts, 1, 'no second attempt while one runs');
  release();
  await first;
  assert.equal(r.lastError, 'control plane down');
  now = 59_999;
  assert.equal(r.due(status(['cert-expiring'])), false);
  now = 60_000;
  assert.equal(r.due(status(['cert-expiring'])), true);
});
