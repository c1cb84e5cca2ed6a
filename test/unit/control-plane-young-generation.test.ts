import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withControlPlaneHeap } from '../../src/core/gateway/local-control-plane.ts';

test("the control plane's node gets a 64 MB young generation, added to the user's NODE_OPTIONS, never over their own size", () => {
  assert.equal(withControlPlaneHeap(undefined), '--max-semi-space-size=64');
  assert.equal(withControlPlaneHeap('  '), '--max-semi-space-size=64');
  assert.equal(withControlPlaneHeap('--max-old-space-size=512'), '--max-old-space-size=512 --max-semi-space-size=64');
  assert.equal(withControlPlaneHeap('--max-semi-space-size=8'), '--max-semi-space-size=8');
  assert.equal(withControlPlaneHeap('--trace-gc --max-semi-space-size 32'), '--trace-gc --max-semi-space-size 32');
});
