/** The launch view's pull: a row per layer, and the speed (recent while it runs, the whole pull's once done). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pullLayerRows } from '../../renderer/src/wizard/pull-layer-view.ts';
import { PullRate } from '../../renderer/src/wizard/pull-rate.ts';

test('pull layer rows: one per fetched layer with bytes and state; present layers are one count', () => {
  const { rows, present } = pullLayerRows([
    { id: 'aaaaaaaaaaaa', state: 'present', currentBytes: 0, totalBytes: 0, extractPercent: 100 },
    { id: 'bbbbbbbbbbbb', state: 'downloading', currentBytes: 1_500_000, totalBytes: 6_000_000, extractPercent: 0 },
    { id: 'cccccccccccc', state: 'extracting', currentBytes: 3_000_000, totalBytes: 3_000_000, extractPercent: 40 },
    { id: 'dddddddddddd', state: 'waiting', currentBytes: 0, totalBytes: 0, extractPercent: 0 },
    { id: 'eeeeeeeeeeee', state: 'downloading', currentBytes: 2000, totalBytes: 0, extractPercent: 0 },
  ]);
  assert.equal(present, 1);
  assert.deepEqual(
    rows.map((r) => [r.id, r.stateText, r.detail, r.percent]),
    [
      ['bbbbbbbbbbbb', 'downloading', '1.5 MB of 6.0 MB', 25],
      ['cccccccccccc', 'unpacking', 'unpacking 40%', 100],
      ['dddddddddddd', 'waiting', '', 0],
      ['eeeeeeeeeeee', 'downloading', '2.0 kB of size unknown', 0],
    ],
  );
});

test("a finished pull reports the whole pull's average speed", () => {
  const r = new PullRate(1000);
  assert.equal(r.average(), undefined);
  r.add(0, 0);
  r.add(500, 4_000_000);
  r.add(3000, 6_000_000);
  r.add(4000, 8_000_000);
  assert.equal(r.perSecond(), 2_000_000, 'recent: the last second');
  assert.equal(r.average(), 2_000_000, 'average: 8 MB in 4 s');
  r.reset();
  assert.equal(r.average(), undefined);
});
