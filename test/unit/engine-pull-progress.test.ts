import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initialPullState, pullEventSchema, pullProgressOf, reducePullEvent } from '../../src/core/engine/pull-progress.ts';
import { classifyPullError, registryOf } from '../../src/core/engine/pull.ts';
import { ImageNotFoundError, RegistryUnreachableError } from '../../src/core/engine/errors.ts';
import type { PullProgress } from '../../src/core/engine/types.ts';

/** Recorded from Docker 20.10 pulling a tag from the local registry: four layers present, one new. */
const RECORDED_PARTLY_PRESENT = [
  { status: 'Pulling from gateway-tray/engine-pull-test', id: 'rec1795767978364' },
  { status: 'Already exists', progressDetail: {}, id: '01c04ad8aa19' },
  { status: 'Already exists', progressDetail: {}, id: '40be56e59c46' },
  { status: 'Already exists', progressDetail: {}, id: '1d0e78a0bfdf' },
  { status: 'Already exists', progressDetail: {}, id: 'a33f7cad18aa' },
  { status: 'Pulling fs layer', progressDetail: {}, id: '5a657a29cedd' },
  { status: 'Downloading', progressDetail: { current: 196608, total: 16782552 }, progress: '[>   ]  196.6kB/16.78MB', id: '5a657a29cedd' },
  { status: 'Downloading', progressDetail: { current: 13140244, total: 16782552 }, progress: '[==> ]  13.14MB/16.78MB', id: '5a657a29cedd' },
  { status: 'Verifying Checksum', progressDetail: {}, id: '5a657a29cedd' },
  { status: 'Download complete', progressDetail: {}, id: '5a657a29cedd' },
  { status: 'Extracting', progressDetail: { current: 196608, total: 16782552 }, id: '5a657a29cedd' },
  { status: 'Extracting', progressDetail: { current: 10616832, total: 16782552 }, id: '5a657a29cedd' },
  { status: 'Extracting', progressDetail: { current: 16782552, total: 16782552 }, id: '5a657a29cedd' },
  { status: 'Pull complete', progressDetail: {}, id: '5a657a29cedd' },
  { status: 'Digest: sha256:b85e8a45c430e0642a2300811cdd58113f5df8bdb9a9bc29d7db02f035498b39' },
  { status: 'Status: Downloaded newer image for 127.0.0.1:5000/gateway-tray/engine-pull-test:rec1795767978364' },
];

/** Two layers, one from a registry that sends no Content-Length (no total), interleaved. */
const NO_TOTAL = [
  { status: 'Pulling from library/x', id: 'latest' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'aaaaaaaaaaaa' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Waiting', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Downloading', progressDetail: { current: 1000 }, id: 'aaaaaaaaaaaa' },
  { status: 'Downloading', progressDetail: { current: 500, total: 4000 }, id: 'bbbbbbbbbbbb' },
  { status: 'Downloading', progressDetail: { current: 3000 }, id: 'aaaaaaaaaaaa' },
  // A late, repeated event must not move anything back.
  { status: 'Downloading', progressDetail: { current: 400, total: 4000 }, id: 'bbbbbbbbbbbb' },
  { status: 'Download complete', progressDetail: {}, id: 'aaaaaaaaaaaa' },
  { status: 'Downloading', progressDetail: { current: 4000, total: 4000 }, id: 'bbbbbbbbbbbb' },
  { status: 'Download complete', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Extracting', progressDetail: { current: 3000 }, id: 'aaaaaaaaaaaa' },
  { status: 'Pull complete', progressDetail: {}, id: 'aaaaaaaaaaaa' },
  { status: 'Extracting', progressDetail: { current: 2000, total: 4000 }, id: 'bbbbbbbbbbbb' },
  { status: 'Pull complete', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Digest: sha256:00' },
  { status: 'Status: Downloaded newer image for x:latest' },
];

function run(events: unknown[]): PullProgress[] {
  const state = initialPullState();
  return events.map((e) => pullProgressOf(reducePullEvent(state, pullEventSchema.parse(e))));
}

function assertMonotone(steps: PullProgress[]): void {
  for (let i = 1; i < steps.length; i += 1) {
    const [a, b] = [steps[i - 1]!, steps[i]!];
    assert.ok(b.currentBytes >= a.currentBytes, `bytes went back at step ${i}: ${a.currentBytes} -> ${b.currentBytes}`);
    assert.ok(b.percent >= a.percent, `percent went back at step ${i}: ${a.percent} -> ${b.percent}`);
    assert.ok(b.layers.done >= a.layers.done, `layers done went back at step ${i}`);
    assert.ok(b.currentBytes <= b.totalBytes, `current beyond total at step ${i}`);
  }
}

test('a recorded pull with layers already present: resolving, downloading, extracting, done', () => {
  const steps = run(RECORDED_PARTLY_PRESENT);
  assertMonotone(steps);
  assert.equal(steps[0]!.phase, 'resolving');
  assert.deepEqual(steps[4]!.layers, { total: 4, done: 4 });
  assert.equal(steps[5]!.phase, 'resolving', 'present layers are not a download');
  // Present layers cost no bytes; the new layer is the whole download.
  assert.equal(steps[6]!.phase, 'downloading');
  assert.equal(steps[6]!.totalBytes, 16782552);
  // Present layers cost nothing, so the bar starts from where the one real download is.
  assert.equal(steps[6]!.percent, 0);
  assert.equal(steps[7]!.percent, Math.floor((100 * 0.8 * 13140244) / 16782552));
  assert.equal(steps[9]!.percent, 80, 'downloaded, not yet extracted');
  assert.equal(steps[7]!.currentBytes, 13140244);
  assert.equal(steps[10]!.phase, 'extracting');
  assert.equal(steps[10]!.currentBytes, 16782552);
  assert.ok(steps[12]!.percent < 100, 'not 100 before Docker says it is done');
  const { perLayer, ...last } = steps.at(-1)!;
  assert.deepEqual(last, { phase: 'done', currentBytes: 16782552, totalBytes: 16782552, percent: 100, layers: { total: 5, done: 5 } });
  assert.deepEqual(
    perLayer?.map((l) => l.state),
    ['present', 'present', 'present', 'present', 'done'],
  );
});

test('layers that report no total still count their bytes and never exceed the total', () => {
  const steps = run(NO_TOTAL);
  assertMonotone(steps);
  assert.equal(steps[3]!.phase, 'resolving', 'only waiting layers so far');
  assert.equal(steps[4]!.phase, 'downloading');
  assert.equal(steps[4]!.currentBytes, 1000);
  assert.equal(steps[4]!.totalBytes, 1000, 'an unknown size counts as what was seen');
  assert.deepEqual([steps[6]!.currentBytes, steps[6]!.totalBytes], [3500, 7000]);
  assert.equal(steps[7]!.currentBytes, 3500, 'a stale event does not lower the bytes');
  const last = steps.at(-1)!;
  assert.equal(last.phase, 'done');
  assert.equal(last.percent, 100);
  assert.deepEqual(last.layers, { total: 2, done: 2 });
});

test('an image that is entirely present goes straight to done', () => {
  const steps = run([
    { status: 'Pulling from x', id: 'latest' },
    { status: 'Digest: sha256:1' },
    { status: 'Status: Image is up to date for x:latest' },
  ]);
  assert.deepEqual(steps.at(-1), { phase: 'done', currentBytes: 0, totalBytes: 0, percent: 100, layers: { total: 0, done: 0 }, perLayer: [] });
  const present = run([
    { status: 'Pulling from x', id: 'latest' },
    { status: 'Already exists', progressDetail: {}, id: 'cccccccccccc' },
    { status: 'Already exists', progressDetail: {}, id: 'dddddddddddd' },
  ]);
  const { perLayer, ...rest } = present.at(-1)!;
  assert.deepEqual(rest, { phase: 'resolving', currentBytes: 0, totalBytes: 0, percent: 0, layers: { total: 2, done: 2 } });
  assert.deepEqual(perLayer, [
    { id: 'cccccccccccc', state: 'present', currentBytes: 0, totalBytes: 0, extractPercent: 100 },
    { id: 'dddddddddddd', state: 'present', currentBytes: 0, totalBytes: 0, extractPercent: 100 },
  ]);
});

/**
 * Recorded on this machine (Docker 20.10.24) with modem.followProgress: an image of the stand-in plus three
 * layers of random bytes, pushed to the local registry and removed from the daemon before the pull. It shows
 * that the engine does give per-layer data: every event carries the layer as `id`, and Downloading and
 * Extracting carry `progressDetail.current`/`total` in bytes.
 */
const RECORDED_THREE_NEW = readFileSync(new URL('../fixtures/pull-events/three-new-layers.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as unknown);

test('a recorded multi-layer pull gives a row per layer, with its bytes and state', () => {
  const steps = run(RECORDED_THREE_NEW);
  assertMonotone(steps);
  const ids = ['ee49b1d66b5b', 'af50ea877806', 'ea469716aa51', '75840f9acc0b', 'ab3735332106', '01f0d0662e34', 'a18c5842d347'];
  // Mid-download (the first Downloading of each new layer has arrived): the three new layers download, four are present.
  const mid = steps.find((s) => s.perLayer?.filter((l) => l.state === 'downloading').length === 3)!;
  assert.ok(mid, 'a moment with the three new layers downloading at once');
  assert.deepEqual(mid.perLayer!.map((l) => l.id), ids, 'rows in the order Docker named the layers');
  assert.deepEqual(mid.perLayer!.slice(0, 4).map((l) => l.state), ['present', 'present', 'present', 'present']);
  const b = mid.perLayer!.find((l) => l.id === '01f0d0662e34')!;
  assert.equal(b.totalBytes, 9002983);
  assert.ok(b.currentBytes > 0 && b.currentBytes < b.totalBytes);
  assert.equal(mid.currentBytes, mid.perLayer!.reduce((s, l) => s + l.currentBytes, 0), 'the total is the sum of the rows');
  const extracting = steps.find((s) => s.perLayer?.some((l) => l.state === 'extracting' && l.extractPercent > 0 && l.extractPercent < 100))!;
  const row = extracting.perLayer!.find((l) => l.state === 'extracting')!;
  assert.equal(row.currentBytes, row.totalBytes, 'an extracting layer has all its bytes');
  const last = steps.at(-1)!;
  assert.equal(last.phase, 'done');
  assert.deepEqual(last.perLayer!.map((l) => l.state), ['present', 'present', 'present', 'present', 'done', 'done', 'done']);
  assert.deepEqual(last.perLayer!.slice(4).map((l) => l.totalBytes), [6002065, 9002983, 3001163]);
  assert.equal(last.totalBytes, 6002065 + 9002983 + 3001163);
});

test('pull errors are classified into typed errors that say what to do', () => {
  const missing = classifyPullError('127.0.0.1:5000/x:nope', 'manifest for 127.0.0.1:5000/x:nope not found: manifest unknown: manifest unknown');
  assert.ok(missing instanceof ImageNotFoundError);
  assert.equal(missing.message, 'Image 127.0.0.1:5000/x:nope was not found in its registry: check the name and tag');
  const down = classifyPullError('127.0.0.1:5999/x:y', 'Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused');
  assert.ok(down instanceof RegistryUnreachableError);
  assert.match(down.message, /registry 127\.0\.0\.1:5999 could not be reached.*check your network/);
  assert.equal(registryOf('apache/apisix:3'), 'docker.io');
  assert.equal(registryOf('localhost/x'), 'localhost');
  assert.equal(registryOf('ghcr.io/a/b'), 'ghcr.io');
});
