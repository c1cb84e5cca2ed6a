import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressReporter, plainLine, renderBar, ttyLine } from '../../src/cli/progress.ts';

function sink(isTTY: boolean) {
  let text = '';
  return { isTTY, columns: 80, write: (s: string) => (text += s), text: () => text };
}

const pull = (percent: number) => ({ phase: 'downloading' as const, currentBytes: percent * 1e6, totalBytes: 100e6, percent, layers: { total: 3, done: 1 } });

test('bars are clamped and proportional', () => {
  assert.equal(renderBar(0, 10), '[----------]   0%');
  assert.equal(renderBar(45, 10), '[#####-----]  45%');
  assert.equal(renderBar(250, 10), '[##########] 100%');
});

test('plain output: one line per stage change, pull progress only at quarter steps, no waiting chatter', () => {
  const s = sink(false);
  const r = createProgressReporter(s);
  r.update({ stage: 'image', status: 'start', message: 'Looking for x' });
  for (const p of [1, 5, 26, 30, 51, 99]) r.update({ stage: 'image', status: 'progress', message: `Pulling x: ${p}%`, pull: pull(p) });
  r.update({ stage: 'register', status: 'progress', message: 'Waiting for the first heartbeat' });
  r.update({ stage: 'image', status: 'done', message: 'Pulled x' });
  r.finish();
  const lines = s.text().trimEnd().split('\n');
  assert.deepEqual(lines, [
    '[7/9] Gateway image: start - Looking for x',
    '[7/9] Gateway image: progress 1% - Pulling x: 1%',
    '[7/9] Gateway image: progress 26% - Pulling x: 26%',
    '[7/9] Gateway image: progress 51% - Pulling x: 51%',
    '[7/9] Gateway image: progress 99% - Pulling x: 99%',
    '[7/9] Gateway image: done - Pulled x',
  ]);
  assert.ok(!s.text().includes('\x1b'), 'no terminal escapes in plain output');
  assert.equal(plainLine({ stage: 'preflight', status: 'done', message: 'ok' }), '[2/9] Pre-flight checks: done - ok');
});

test('terminal output redraws the running stage in place and ends each finished stage with a newline', () => {
  const s = sink(true);
  const r = createProgressReporter(s);
  r.update({ stage: 'image', status: 'start', message: 'Looking for x' });
  r.update({ stage: 'image', status: 'progress', message: 'Pulling', pull: pull(50) });
  r.update({ stage: 'image', status: 'done', message: 'Pulled x' });
  r.update({ stage: 'container', status: 'start', message: 'Creating' });
  r.finish();
  const text = s.text();
  const CLEAR = '\r\x1b[2K';
  assert.ok(text.includes(`${CLEAR}… [7/9] Gateway image            [${'#'.repeat(12)}${'-'.repeat(12)}]  50% 50.0/100.0 MB`), JSON.stringify(text));
  assert.ok(text.includes(`${CLEAR}✓ [7/9] Gateway image            Pulled x\n`), JSON.stringify(text));
  assert.ok(text.endsWith('Creating\n'), 'finish closes the open line');
  assert.ok(ttyLine({ stage: 'files', status: 'done', message: 'x'.repeat(300) }, 60).length <= 59);
});

test("API7's module download shows as a bar in the module stage, with or without a known total", () => {
  const s = sink(false);
  const r = createProgressReporter(s);
  for (const percent of [0, 10, 60, 100]) {
    r.update({ stage: 'module', status: 'progress', message: 'Downloading', download: { currentBytes: percent * 1e4, totalBytes: 1e6, percent } });
  }
  assert.deepEqual(s.text().trimEnd().split('\n'), [
    '[5/9] Gateway module: progress 0% - Downloading',
    '[5/9] Gateway module: progress 60% - Downloading',
    '[5/9] Gateway module: progress 100% - Downloading',
  ]);
  assert.match(ttyLine({ stage: 'module', status: 'progress', message: 'x', download: { currentBytes: 5e5, totalBytes: 1e6, percent: 50 } }), /Gateway module +\[#{12}-{12}\] {2}50% 0\.5\/1\.0 MB$/);
  assert.match(ttyLine({ stage: 'module', status: 'progress', message: 'x', download: { currentBytes: 2e6, totalBytes: 0, percent: 0 } }), /0% 2\.0 MB$/);
});

test('quiet prints nothing', () => {
  const s = sink(true);
  const r = createProgressReporter(s, { quiet: true });
  r.update({ stage: 'image', status: 'start', message: 'x' });
  r.finish();
  assert.equal(s.text(), '');
});
