/** The supervisor's state machine as a table, its backoff, and its runner over a scripted component. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jittered, MAX_RESTART_DELAY_MS, restartDelayMs, STABLE_AFTER_MS } from '../../src/core/supervisor/backoff.ts';
import { ComponentSupervisor, type SupervisedComponent } from '../../src/core/supervisor/component-supervisor.ts';
import { initialState, transition, type ComponentEvent, type ComponentPhase, type ComponentState } from '../../src/core/supervisor/component-state.ts';
import { waitFor } from '../helpers/wait-for.ts';

const T = 1_000_000;
const ours = { restartable: true, missesBeforeRestart: 2 };
const watchOnly = { restartable: false, missesBeforeRestart: 2 };
const at = (phase: ComponentPhase, extra: Partial<ComponentState> = {}): ComponentState => ({ phase, misses: 0, attempts: 0, since: T, ...extra });

const rows: Array<[string, ComponentState, ComponentEvent, typeof ours, ComponentPhase, string]> = [
  ['starting, check ok', at('starting'), { type: 'check-ok', now: T + 1 }, ours, 'running', 'none'],
  ['running, one miss: degraded, look again soon', at('running'), { type: 'check-failed', now: T + 1, reason: 'down' }, ours, 'degraded', 'check-soon'],
  ['degraded, second miss: restarting after 1 s', at('degraded', { misses: 1 }), { type: 'check-failed', now: T + 1, reason: 'down' }, ours, 'restarting', 'restart:1000'],
  ['degraded, third restart in a minute: 4 s', at('degraded', { misses: 1, attempts: 2 }), { type: 'check-failed', now: T + 1, reason: 'down' }, ours, 'restarting', 'restart:4000'],
  ['watched only, misses: degraded, never restarted', at('degraded', { misses: 5 }), { type: 'check-failed', now: T + 1, reason: 'down' }, watchOnly, 'degraded', 'none'],
  ['degraded, check ok again', at('degraded', { misses: 1 }), { type: 'check-ok', now: T + 1 }, ours, 'running', 'none'],
  ['restarting, healthy before its backoff ends: running, no restart', at('restarting'), { type: 'check-ok', now: T + 1 }, ours, 'running', 'none'],
  ['restarting, an on-demand failed check keeps the restart, with the time left', at('restarting'), { type: 'check-failed', now: T + 400, reason: 'down' }, ours, 'restarting', 'restart:600'],
  ['restarted: running', at('restarting'), { type: 'restarted', now: T + 1 }, ours, 'running', 'none'],
  ['restart failed: failed, retried after 2 s', at('restarting'), { type: 'restart-failed', now: T + 1, reason: 'no etcd' }, ours, 'failed', 'restart:2000'],
  ['failed, a check keeps it failed and its retry pending', at('failed', { attempts: 1 }), { type: 'check-failed', now: T + 500, reason: 'down' }, ours, 'failed', 'restart:1500'],
  ['failed, long past its retry: restart now', at('failed', { attempts: 1 }), { type: 'check-failed', now: T + 9000, reason: 'down' }, ours, 'failed', 'restart:0'],
  ['user restart from running', at('running'), { type: 'restart-requested', now: T + 1, reason: 'asked' }, ours, 'restarting', 'restart:0'],
  ['user restart of what is not ours: nothing', at('running'), { type: 'restart-requested', now: T + 1, reason: 'asked' }, watchOnly, 'running', 'none'],
  ['stop from anywhere', at('failed'), { type: 'stopped', now: T + 1 }, ours, 'stopped', 'none'],
  ['stopped is final', at('stopped'), { type: 'check-ok', now: T + 1 }, ours, 'stopped', 'none'],
];

for (const [name, from, event, policy, phase, effect] of rows) {
  test(`transition: ${name}`, () => {
    const next = transition(from, event, policy);
    assert.equal(next.state.phase, phase);
    const e = next.effect;
    assert.equal(e.kind === 'restart' ? `restart:${e.afterMs}` : e.kind, effect);
  });
}

test('the reason of a failure is kept; a restart counts until a stable minute resets it', () => {
  const down = transition(at('running'), { type: 'check-failed', now: T, reason: 'etcd (pid 7) is not running' }, ours).state;
  assert.equal(down.reason, 'etcd (pid 7) is not running');
  const back = transition(at('restarting'), { type: 'restarted', now: T }, ours).state;
  assert.equal(back.attempts, 1);
  assert.equal(transition(back, { type: 'check-ok', now: T + 1000 }, ours).state.attempts, 1, 'not yet stable');
  assert.equal(transition(back, { type: 'check-ok', now: T + STABLE_AFTER_MS }, ours).state.attempts, 0, 'stable for a minute');
  assert.equal(initialState(T).phase, 'starting');
});

test('backoff doubles from 1 s and is capped; the check pace is jittered within ±25 %', () => {
  assert.deepEqual([0, 1, 2, 3].map(restartDelayMs), [1000, 2000, 4000, 8000]);
  assert.equal(restartDelayMs(40), MAX_RESTART_DELAY_MS);
  assert.equal(jittered(20_000, () => 0), 15_000);
  assert.equal(jittered(20_000, () => 1), 25_000);
});

/** A component whose checks and restarts follow a script: a restart that fails on demand, which a real etcd does not do. */
class ScriptedComponentFake implements SupervisedComponent {
  readonly id = 'etcd' as const;
  readonly owner = 'this-app' as const;
  up = true;
  restarts = 0;
  failRestarts = 0;
  facts = () => ({ pid: 100 + this.restarts });
  check = async () => (this.up ? undefined : 'not running');
  restart = async () => {
    this.restarts += 1;
    if (this.failRestarts-- > 0) throw new Error('port taken');
    this.up = true;
  };
}

test('the supervisor restarts a dead component, retries a failed restart with backoff, and reports the new pid', async () => {
  const c = new ScriptedComponentFake();
  const changes: string[] = [];
  const s = new ComponentSupervisor(c, { everyMs: 60_000, onChange: (x) => changes.push(x.phase) });
  assert.equal((await s.checkNow()).phase, 'running');
  c.up = false;
  c.failRestarts = 1;
  await s.checkNow(); // degraded, then the supervisor looks again soon, restarts after 1 s, fails, retries after 2 s
  const back = await waitFor(() => (s.snapshot().phase === 'running' ? s.snapshot() : undefined), { timeoutMs: 15_000, what: 'running again' });
  assert.equal(back.pid, 102);
  assert.equal(c.restarts, 2);
  assert.deepEqual(changes, ['running', 'degraded', 'restarting', 'failed', 'running']);
  await s.stop();
  assert.equal(s.snapshot().phase, 'stopped');
});

test('a Restart of a component that is not ours is refused, saying why', async () => {
  const s = new ComponentSupervisor({ id: 'control-plane', owner: 'this-app', facts: () => ({}), check: async () => undefined });
  await assert.rejects(s.restart(), /not run by this app/);
  await s.stop();
});
