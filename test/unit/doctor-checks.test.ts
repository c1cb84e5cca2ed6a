import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateSkewMs, MAX_SKEW_MS } from '../../src/core/doctor/clock-skew-check.ts';
import { runDoctor } from '../../src/core/doctor/run-doctor.ts';
import { socketSourceCheck } from '../../src/core/doctor/socket-source-check.ts';
import type { Checker, DoctorContext } from '../../src/core/doctor/types.ts';

test('clock skew is estimated from the Date header against the request midpoint', () => {
  const sent = Date.parse('2026-05-01T10:00:00.000Z');
  // Server says 10:00:10 (second resolution); we were at 10:00:00.100 mid-request: about 10.4 s behind.
  const skew = estimateSkewMs(sent, sent + 200, 'Fri, 01 May 2026 10:00:10 GMT');
  assert.equal(skew, 10_400);
  assert.ok(skew! > MAX_SKEW_MS);
  assert.equal(Math.abs(estimateSkewMs(sent, sent + 40, 'Fri, 01 May 2026 10:00:00 GMT')!) <= 500, true);
  assert.equal(estimateSkewMs(sent, sent, 'not a date'), undefined);
});

const discovery = (notes: string[]) => ({ endpoint: { protocol: 'unix' as const, url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' }, source: 'default' as const, reason: 'the default socket', notes });

test('the socket check says which socket won and why, and warns on discovery notes', async () => {
  const ctx = { discovery: discovery([]) } as unknown as DoctorContext;
  const ok = await socketSourceCheck.run(ctx);
  assert.equal(ok.status, 'ok');
  assert.match(ok.detail, /unix:\/\/\/var\/run\/docker\.sock, chosen from default \(the default socket\)/);
  const warn = await socketSourceCheck.run({ discovery: discovery(["context 'colima' has no metadata"]) } as unknown as DoctorContext);
  assert.equal(warn.status, 'warn');
  assert.ok(warn.fix);
});

test('a checker that throws is reported as failed; engine-dependent checks are skipped when Docker is down', async () => {
  const engineDown: Checker = { id: 'engine', title: 'Docker engine', run: async () => ({ status: 'fail', detail: 'Docker is not running', fix: 'start it' }) };
  const ports: Checker = { id: 'ports', title: 'Host ports', run: async () => assert.fail('must not run') };
  const broken: Checker = { id: 'clock-skew', title: 'Clock', run: async () => { throw new Error('boom'); } };
  const results = await runDoctor({} as DoctorContext, [engineDown, ports, broken]);
  assert.deepEqual(results.map((r) => [r.id, r.status]), [['engine', 'fail'], ['ports', 'skip'], ['clock-skew', 'fail']]);
  assert.match(results[2]!.detail, /the check itself failed: boom/);
});
