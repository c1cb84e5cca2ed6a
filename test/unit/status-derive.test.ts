import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveStatus } from '../../src/core/status/derive-status.ts';
import type { AgentStatusFile, StatusInputs } from '../../src/core/status/status-inputs.ts';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

function agent(over: Partial<AgentStatusFile> = {}): AgentStatusFile {
  return {
    instance_id: 'i-1',
    run_id: 'r-1',
    registered_at: iso(60_000),
    last_attempt_at: iso(2_000),
    last_success_at: iso(2_000),
    consecutive_failures: 0,
    last_error: null,
    heartbeat_interval_s: 10,
    ...over,
  };
}

function inputs(over: Partial<StatusInputs> = {}): StatusInputs {
  return {
    now: NOW,
    profile: 'local',
    engine: { ready: true, endpoint: 'unix:///var/run/docker.sock' },
    container: { id: 'c1', state: 'running', startedAt: NOW - 60_000 },
    agent: agent(),
    instance: { status: 'Healthy', registerTime: iso(60_000), lastSeenTime: iso(2_000) },
    certificate: { notBefore: NOW - 86_400_000, notAfter: NOW + 80 * 86_400_000, needsRenewal: false },
    ...over,
  };
}

test('running, registered and Healthy on the control plane is healthy', () => {
  const s = deriveStatus(inputs());
  assert.equal(s.state, 'healthy');
  assert.equal(s.containerId, 'c1');
  assert.equal(s.instanceId, 'i-1');
  assert.equal(s.lastHeartbeatAt, iso(2_000));
});

test("the container's module is in the status; API7's module, which writes no status file, is healthy on the control plane's word", () => {
  const s = deriveStatus(inputs({ container: { id: 'c1', state: 'running', startedAt: NOW - 60_000, module: 'api7' }, agent: null, instanceId: 'i-1' }));
  assert.equal(s.state, 'healthy');
  assert.equal(s.module, 'api7');
  assert.equal(s.lastHeartbeatAt, iso(2_000));
  assert.equal(deriveStatus(inputs({ container: { id: 'c1', state: 'running', module: 'open-agent' } })).module, 'open-agent');
  assert.equal(deriveStatus(inputs()).module, undefined, 'a container from before the label says nothing');
});

test('docker down is an error with a start-docker action, whatever else is known', () => {
  const s = deriveStatus(inputs({ engine: { ready: false, reason: 'Docker is not running' } }));
  assert.equal(s.state, 'error');
  assert.deepEqual(s.reasons[0], { code: 'engine-unavailable', message: 'Docker is not running', action: 'start-docker', reason: 'engine-unavailable' });
});

test('no container is stopped; an exited one is stopped; a crash is an error', () => {
  assert.equal(deriveStatus(inputs({ container: null })).state, 'stopped');
  assert.equal(deriveStatus(inputs({ container: { id: 'c1', state: 'exited', exitCode: 0 } })).state, 'stopped');
  const crashed = deriveStatus(inputs({ container: { id: 'c1', state: 'exited', exitCode: 1 } }));
  assert.equal(crashed.state, 'error');
  assert.equal(crashed.reasons[0]?.code, 'crashed');
  assert.equal(deriveStatus(inputs({ container: { id: 'c1', state: 'exited', exitCode: 137, oomKilled: true } })).reasons[0]?.code, 'crashed-oom');
});

test('a launch in progress is starting with its stage', () => {
  const s = deriveStatus(inputs({ container: null, launching: { stage: 'Pulling the image' } }));
  assert.equal(s.state, 'starting');
  assert.equal(s.reasons[0]?.message, 'Pulling the image');
});

test('a fresh container without registration is starting; after the grace it is lost with the agent error', () => {
  const fresh = deriveStatus(inputs({ agent: agent({ registered_at: null, last_success_at: null }), instance: null, container: { id: 'c1', state: 'running', startedAt: NOW - 3_000 } }));
  assert.equal(fresh.state, 'starting');
  const late = deriveStatus(inputs({ agent: agent({ registered_at: null, last_success_at: null, last_error: 'connection refused' }), instance: null, container: { id: 'c1', state: 'running', startedAt: NOW - 120_000 } }));
  assert.equal(late.state, 'lost');
  assert.match(late.reasons[0]?.message ?? '', /connection refused/);
  const silent = deriveStatus(inputs({ agent: null, instance: null, container: { id: 'c1', state: 'running', startedAt: NOW - 120_000 } }));
  assert.equal(silent.state, 'error');
  assert.equal(silent.reasons[0]?.code, 'agent-silent');
});

test('Lost Connection on the control plane is lost; Only Heartbeats is degraded', () => {
  assert.equal(deriveStatus(inputs({ instance: { status: 'Lost Connection', lastSeenTime: iso(40_000) } })).state, 'lost');
  assert.equal(deriveStatus(inputs({ instance: { status: 'Offline' } })).state, 'lost');
  const oh = deriveStatus(inputs({ instance: { status: 'Only Heartbeats' } }));
  assert.equal(oh.state, 'degraded');
  assert.equal(oh.reasons[0]?.code, 'config-centre-down');
  assert.equal(oh.reasons[0]?.reason, 'config-centre-down');
  assert.equal(oh.reasons[0]?.action, 'launch', 'etcd down has an action: launch restarts the config centre');
});

test('an Error with an exited container offers Launch (it recreates the container), also after docker kill', () => {
  for (const exitCode of [1, 137]) {
    const s = deriveStatus(inputs({ container: { id: 'c1', state: 'exited', exitCode } }));
    assert.equal(s.state, 'error');
    assert.equal(s.containerState, 'exited', 'the snapshot says the container is not running');
    assert.equal(s.reasons[0]?.action, 'launch');
    assert.equal(s.reasons[0]?.reason, 'gateway-exited');
  }
  assert.equal(deriveStatus(inputs({ container: { id: 'c1', state: 'exited', exitCode: 137, oomKilled: true } })).reasons[0]?.action, 'launch');
});

test('a gateway that Docker keeps restarting after a failed exit is an Error with Launch, not Starting for ever', () => {
  const loop = deriveStatus(inputs({ container: { id: 'c1', state: 'restarting', exitCode: 1 } }));
  assert.equal(loop.state, 'error');
  assert.equal(loop.reasons[0]?.code, 'crash-loop');
  assert.equal(loop.reasons[0]?.action, 'launch');
  assert.equal(deriveStatus(inputs({ container: { id: 'c1', state: 'restarting', exitCode: 0 } })).state, 'starting');
});

test('each control-plane problem reads differently, with its own action, and never claims heartbeats it does not know', () => {
  const beating = agent({ last_success_at: iso(2_000) });
  const read = (reason: 'token-refused' | 'token-missing' | 'control-plane-down' | 'control-plane-unreachable', a = beating) =>
    deriveStatus(inputs({ instance: 'unreachable', controlPlaneProblem: { reason, detail: 'x' }, agent: a })).reasons[0]!;
  const refused = read('token-refused');
  const missing = read('token-missing');
  const down = read('control-plane-down');
  const slow = read('control-plane-unreachable');
  assert.deepEqual([refused.code, missing.code, down.code, slow.code], ['token-refused', 'token-missing', 'control-plane-down', 'control-plane-unanswered']);
  assert.deepEqual([refused.reason, missing.reason, down.reason, slow.reason], ['token-refused', 'token-missing', 'control-plane-down', 'control-plane-unreachable']);
  assert.equal(new Set([refused.message, missing.message, down.message, slow.message]).size, 4, 'four messages');
  assert.match(refused.message, /set-token local --token-stdin/);
  assert.equal(down.action, 'launch');
  assert.match(slow.message, /still heartbeating/);
  // Failing heartbeats: not "still heartbeating".
  const failing = read('control-plane-down', agent({ last_success_at: iso(12_000), consecutive_failures: 4, last_error: 'connection refused' }));
  assert.doesNotMatch(failing.message, /still heartbeating/);
  assert.match(failing.message, /heartbeats fail too: connection refused/);
  // The agent's file not read yet: no claim either way.
  assert.doesNotMatch(deriveStatus(inputs({ instance: 'unreachable', agent: undefined })).reasons[0]!.message, /still heartbeating/);
  // Lost with a dead control plane: launch (which starts the local one), with the reason kept.
  const lost = deriveStatus(inputs({ instance: 'unreachable', controlPlaneProblem: { reason: 'control-plane-down', detail: 'x' }, agent: agent({ last_success_at: iso(45_000), consecutive_failures: 9 }) }));
  assert.equal(lost.state, 'lost');
  assert.equal(lost.reasons[0]?.reason, 'control-plane-down');
  assert.equal(lost.reasons[0]?.action, 'launch');
});

test('a control plane that does not answer: degraded while beats succeed, lost once they stop', () => {
  assert.equal(deriveStatus(inputs({ instance: 'unreachable' })).state, 'degraded');
  const lost = deriveStatus(inputs({ instance: 'unreachable', agent: agent({ last_success_at: iso(45_000), consecutive_failures: 20, last_error: 'timeout' }) }));
  assert.equal(lost.state, 'lost');
  assert.equal(lost.reasons[0]?.code, 'control-plane-unreachable');
  assert.equal(deriveStatus(inputs({ instance: 'unreachable', agent: agent({ last_success_at: iso(5_000) }) }), { lostAfterMs: 3_000 }).state, 'lost');
});

test('one or two failed beats are a blip; three are shown', () => {
  assert.equal(deriveStatus(inputs({ agent: agent({ consecutive_failures: 2 }) })).state, 'healthy');
  assert.equal(deriveStatus(inputs({ agent: agent({ consecutive_failures: 3, last_error: 'handshake failed' }) })).state, 'degraded');
});

test('a certificate near expiry degrades with a renew action; an expired one is an error', () => {
  const near = deriveStatus(inputs({ certificate: { notBefore: NOW - 80 * 86_400_000, notAfter: NOW + 5 * 86_400_000, needsRenewal: true } }));
  assert.equal(near.state, 'degraded');
  assert.equal(near.reasons[0]?.action, 'renew-cert');
  const expired = deriveStatus(inputs({ certificate: { notBefore: NOW - 90 * 86_400_000, notAfter: NOW - 1, needsRenewal: true } }));
  assert.equal(expired.state, 'error');
  assert.equal(expired.reasons[0]?.code, 'cert-expired');
});

test('running past the grace period, with neither the agent nor the control plane asked yet: checking, not a false alarm', () => {
  const s = deriveStatus(inputs({ agent: undefined, instance: undefined }));
  assert.equal(s.state, 'starting');
  assert.equal(s.reasons[0]?.code, 'checking');
  const silent = deriveStatus(inputs({ agent: null, instance: null }));
  assert.equal(silent.state, 'error', 'once both have answered, silence is an error');
  assert.equal(silent.reasons[0]?.code, 'agent-silent');
});

test('a paused gateway follows its heartbeats: Degraded at first, Lost once the last one is older than the threshold, code "paused" throughout', () => {
  const paused = { id: 'c1', state: 'paused' as const, startedAt: NOW - 600_000 };
  const fresh = deriveStatus(inputs({ container: paused, agent: agent({ last_success_at: iso(5_000) }), instance: { status: 'Healthy', lastSeenTime: iso(5_000) } }));
  assert.equal(fresh.state, 'degraded');
  assert.equal(fresh.reasons[0]?.code, 'paused');
  // The control plane unreachable too (a sleeping laptop): the agent's last success dates the silence.
  const slept = deriveStatus(inputs({ container: paused, agent: agent({ last_success_at: iso(45_000) }), instance: 'unreachable' }));
  assert.equal(slept.state, 'lost');
  assert.equal(slept.reasons[0]?.code, 'paused');
  assert.match(slept.reasons[0]!.message, /paused, so no heartbeat has reached the control plane for 45 s/);
  // The control plane's own verdict counts as well, on a shorter threshold of its own.
  assert.equal(deriveStatus(inputs({ container: paused, agent: null, instance: { status: 'Lost Connection', lastSeenTime: iso(20_000) } })).state, 'lost');
  assert.equal(deriveStatus(inputs({ container: paused, agent: agent({ last_success_at: iso(20_000) }), instance: 'unreachable' }), { lostAfterMs: 10_000 }).state, 'lost');
});

test('the ports shown are what the live container publishes, over the saved ones; an exited one publishes nothing', () => {
  const running = deriveStatus(inputs({ ports: { http: 19080, https: 19443 }, container: { id: 'c1', state: 'running', startedAt: NOW - 60_000, publishedPorts: { http: 18080 } } }));
  assert.deepEqual(running.ports, { http: 18080, https: 19443 });
  assert.deepEqual(running.publishedPorts, { http: 18080 });
  const exited = deriveStatus(inputs({ ports: { http: 19080 }, container: { id: 'c1', state: 'exited', exitCode: 0, publishedPorts: { http: 18080 } } }));
  assert.deepEqual(exited.ports, { http: 19080 });
  assert.equal(exited.publishedPorts, undefined);
});

test("a control plane the app could not host is said beside the gateway's state, and not during a launch", () => {
  const s = deriveStatus(inputs({ container: null, hostProblem: 'etcd did not start' }));
  assert.equal(s.state, 'stopped', 'the state stays the gateway’s');
  assert.deepEqual(s.reasons.map((r) => [r.code, r.action]), [['not-running', 'launch'], ['control-plane-unavailable', 'retry']]);
  assert.equal(deriveStatus(inputs({ hostProblem: 'etcd did not start', launching: { stage: 'pull' } })).reasons.length, 1);
});
