import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withControlPlaneHeap, youngGenerationOf } from '../../src/core/gateway/local-control-plane.ts';

test("the control plane's node gets a 64 MB young generation, added to the user's NODE_OPTIONS, never over their own size", () => {
  assert.equal(withControlPlaneHeap(undefined), '--max-semi-space-size=64');
  assert.equal(withControlPlaneHeap('  '), '--max-semi-space-size=64');
  assert.equal(withControlPlaneHeap('--max-old-space-size=512'), '--max-old-space-size=512 --max-semi-space-size=64');
  assert.equal(withControlPlaneHeap('--max-semi-space-size=8'), '--max-semi-space-size=8');
  assert.equal(withControlPlaneHeap('--trace-gc --max-semi-space-size 32'), '--trace-gc --max-semi-space-size 32');
});

test('the young-generation option is found among node options in either spelling, and not in a longer flag', () => {
  assert.equal(youngGenerationOf('--trace-gc --max-semi-space-size=64'), '--max-semi-space-size=64');
  assert.equal(youngGenerationOf('--max-semi-space-size 32 --trace-gc'), '--max-semi-space-size 32');
  assert.equal(youngGenerationOf('--max-old-space-size=512'), undefined);
  assert.equal(youngGenerationOf('--max-semi-space-sizes=1'), undefined);
  assert.equal(youngGenerationOf(''), undefined);
});
