import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseRegisteredLine, REGISTERED_PREFIX } from '../../src/core/gateway/agent-log.ts';

const status = {
  instance_id: '392306215415186327',
  run_id: '0b7e4c7e-3f4e-4b8e-9d43-0c1f5e2a9a10',
  registered_at: '2026-11-27T08:19:49.250Z',
  last_attempt_at: '2026-11-27T08:19:49.180Z',
  last_success_at: '2026-11-27T08:19:49.250Z',
  consecutive_failures: 0,
  last_error: null,
  heartbeat_interval_s: 10,
};

test('a registration line gives the status it carries', () => {
  assert.deepEqual(parseRegisteredLine(REGISTERED_PREFIX + JSON.stringify(status)), status);
});

test('any other line, a quoted registration line and a damaged one give nothing', () => {
  assert.equal(parseRegisteredLine('2026/11/27 08:19:49 [notice] 7#7: gateway-tray agent: started in the worker 0 process'), undefined);
  assert.equal(parseRegisteredLine(`curl said: ${REGISTERED_PREFIX}${JSON.stringify(status)}`), undefined);
  assert.equal(parseRegisteredLine(REGISTERED_PREFIX + JSON.stringify(status).slice(0, 40)), undefined);
  assert.equal(parseRegisteredLine(`${REGISTERED_PREFIX}{"consecutive_failures":"many"}`), undefined);
});

test('the line the agent prints (assets/agent, run by luajit) is read back as the status it encoded', () => {
  const lua = `
    local status_file = require("gateway_tray_agent.status_file")
    status_file.announce({ instance_id = "392306215415186327", run_id = "r1", registered_at = 1795767589.25,
      last_attempt_at = 1795767589.18, last_success_at = 1795767589.25, consecutive_failures = 0,
      heartbeat_interval_s = 10 }, io.stdout)`;
  const out = execFileSync('luajit', ['-e', `package.path = "assets/agent/?.lua;" .. package.path`, '-e', lua], { encoding: 'utf8' });
  assert.ok(out.endsWith('\n') && out.indexOf('\n') === out.length - 1, 'one line');
  const parsed = parseRegisteredLine(out.slice(0, -1));
  assert.equal(parsed?.instance_id, '392306215415186327');
  assert.equal(parsed?.run_id, 'r1');
  assert.equal(parsed?.registered_at, '2026-11-27T08:19:49.250Z');
  assert.equal(parsed?.last_attempt_at, '2026-11-27T08:19:49.180Z');
  assert.equal(parsed?.consecutive_failures, 0);
});
