/**
 * Stable reason codes, apart from the stage: what each error class, errno and control-plane answer
 * reads as, how a GatewayError keeps the reason of its cause, and the CLI's exit code for each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeOfReason, exitCodeOfStatus, REASON_EXIT } from '../../src/cli/exit-codes.ts';
import { errorEnvelope, RemoteError, unwrapEnvelope } from '../../src/contract/ipc-contract.ts';
import { CloudApiError } from '../../src/core/cloud/errors.ts';
import { EngineUnavailableError, ImageNotFoundError, PortInUseError } from '../../src/core/engine/errors.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { REASON_CODES } from '../../src/core/reasons/reason-codes.ts';
import { reasonOf } from '../../src/core/reasons/reason-of.ts';
import { controlPlaneProblemOf } from '../../src/core/status/instance-source.ts';
import { problemOfSession } from '../../src/core/status/session-problem.ts';

test('engine errors, control-plane answers and errno each carry their reason', () => {
  assert.equal(reasonOf(new EngineUnavailableError('unix:///x', 'Docker is not running')), 'engine-unavailable');
  assert.equal(reasonOf(new PortInUseError(9080, '127.0.0.1')), 'port-in-use');
  assert.equal(reasonOf(new ImageNotFoundError('nope:1')), 'image-not-found');
  assert.equal(reasonOf(new CloudApiError('unauthorized', 'token revoked', 401)), 'token-refused');
  assert.equal(reasonOf(new CloudApiError('network', 'me: the control plane at http://127.0.0.1:1 does not answer (connect ECONNREFUSED 127.0.0.1:1); is it running?')), 'control-plane-down');
  assert.equal(reasonOf(new CloudApiError('network', 'me: does not answer (The operation was aborted due to timeout)')), 'control-plane-unreachable');
  assert.equal(reasonOf(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC' })), 'disk-full');
  assert.equal(reasonOf(new Error('something else')), undefined);
  assert.equal(reasonOf('a string'), undefined);
});

test('a GatewayError keeps the stage and takes the reason of its cause, or its own', () => {
  const wrapped = new GatewayError('preflight', 'The control plane refused the token', { cause: new CloudApiError('unauthorized', 'no', 401) });
  assert.equal(wrapped.stage, 'preflight');
  assert.equal(reasonOf(wrapped), 'token-refused');
  assert.equal(reasonOf(new GatewayError('register', 'timed out', { reason: 'register-timeout' })), 'register-timeout');
  assert.equal(reasonOf(new GatewayError('container', 'x', { cause: new PortInUseError(1, undefined) })), 'port-in-use');
});

test('the status tells a refused token, a dead control plane and a slow one apart', () => {
  assert.equal(controlPlaneProblemOf(new CloudApiError('unauthorized', 'revoked', 401)).reason, 'token-refused');
  assert.equal(controlPlaneProblemOf(new CloudApiError('network', 'connect ECONNREFUSED 127.0.0.1:9')).reason, 'control-plane-down');
  assert.equal(controlPlaneProblemOf(new CloudApiError('network', 'aborted due to timeout')).reason, 'control-plane-unreachable');
  assert.equal(controlPlaneProblemOf(new CloudApiError('server', 'HTTP 500')).reason, 'control-plane-unreachable');
});

test('each reason has its own exit code, documented in README', () => {
  const codes = REASON_CODES.map((r) => REASON_EXIT[r]);
  assert.equal(new Set(codes).size, codes.length, 'no two reasons share a code');
  for (const c of codes) assert.ok(![0, 1, 2].includes(c), 'apart from success, unknown failure and usage');
  assert.equal(exitCodeOfReason(undefined), 1);
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  for (const r of REASON_CODES) assert.match(readme, new RegExp(`\\| ${REASON_EXIT[r]} \\| \`${r}\` \\|`), `README lists ${r}`);
});

test('status exits 0 only when Healthy; otherwise by its reason, else its state', () => {
  assert.equal(exitCodeOfStatus({ state: 'healthy', reasons: [{ code: 'healthy', message: '' }] }), 0);
  assert.equal(exitCodeOfStatus({ state: 'error', reasons: [{ code: 'crashed', message: '', reason: 'gateway-exited' }] }), REASON_EXIT['gateway-exited']);
  assert.equal(exitCodeOfStatus({ state: 'stopped', reasons: [{ code: 'not-running', message: '' }] }), 3);
  assert.equal(exitCodeOfStatus({ state: 'lost', reasons: [{ code: 'heartbeat-lost', message: '' }] }), 6);
  assert.equal(exitCodeOfStatus({ state: 'error', reasons: [{ code: 'engine-unavailable', message: '', reason: 'engine-unavailable' }] }), 10);
});

test('the reason crosses IPC in the envelope, beside the stage, and the renderer gets it back', () => {
  const err = new GatewayError('preflight', 'Port 9080 is in use', { cause: new PortInUseError(9080, '127.0.0.1') });
  const envelope = JSON.parse(JSON.stringify(errorEnvelope(err))) as unknown;
  assert.deepEqual((envelope as { error: unknown }).error, { name: 'GatewayError', message: 'Port 9080 is in use', code: 'preflight', reason: 'port-in-use' });
  assert.throws(() => unwrapEnvelope(envelope), (e: unknown) => e instanceof RemoteError && e.reason === 'port-in-use' && e.code === 'preflight');
  const engine = JSON.parse(JSON.stringify(errorEnvelope(new EngineUnavailableError('unix:///x', 'Docker is not running')))) as { error: { reason?: string } };
  assert.equal(engine.error.reason, 'engine-unavailable', 'engine errors carry theirs too');
});

test("a session's words for a missing client become a reason: a missing token is not a dead server", () => {
  assert.equal(problemOfSession('profile "team" has no token stored; set it with …')?.reason, 'token-missing');
  assert.equal(problemOfSession("no local control plane is running (/h/control-plane.json does not exist); start it with 'gateway-tray control-plane'")?.reason, 'control-plane-down');
  assert.equal(problemOfSession(undefined), undefined);
});
