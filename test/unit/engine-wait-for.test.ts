import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/wait-for.ts';

test('waitFor returns the first truthy value, treating throws as "not yet"', async () => {
  let calls = 0;
  const value = await waitFor(
    () => {
      calls += 1;
      if (calls < 3) throw new Error('not ready');
      return calls === 3 ? undefined : { calls };
    },
    { what: 'the fourth call', intervalMs: 1 },
  );
  assert.deepEqual(value, { calls: 4 });
});

test('waitFor gives up after its timeout with what it waited for and the last error', async () => {
  const start = Date.now();
  await assert.rejects(
    waitFor(() => Promise.reject(new Error('connection refused')), { what: 'the gateway', timeoutMs: 200, intervalMs: 20 }),
    /^Error: Timed out after 200 ms \(\d+ attempts\) waiting for the gateway; last error: connection refused$/,
  );
  const elapsed = Date.now() - start;
  assert.ok(elapsed >= 190 && elapsed < 1500, `gave up after ${elapsed} ms`);
});
