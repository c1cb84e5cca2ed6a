/**
 * The open agent on plain OpenResty's cosocket API (no tlshandshake: setclientcert, then sslhandshake),
 * as the stand-in plays it with STANDIN_RUNTIME=openresty, and without a privileged agent, as in Debian's
 * nginx-Lua. The full suite runs on apisix-runtime (agent-standin.test.ts); this one checks what differs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgentRig, type AgentRig } from '../helpers/agent-rig.ts';
import type { StandinGateway } from '../helpers/standin-gateway.ts';
import { waitFor } from '../helpers/wait-for.ts';

let rig: AgentRig;
let gw: StandinGateway;

before(async () => {
  rig = await startAgentRig('agent-or', 'openresty');
  gw = await rig.startGateway({ metricsWarmupS: 0 });
});

after(async () => {
  await rig?.cleanup();
});

describe('the agent in the APISIX stand-in (plain OpenResty API)', () => {
  test('presents its certificate with setclientcert and registers as Healthy, from worker 0', { timeout: 20_000 }, async () => {
    const inst = await waitFor(() => rig.instance(gw), { timeoutMs: 10_000, what: 'the gateway to register' });
    assert.equal(inst.status, 'Healthy');
    const status = await waitFor(() => gw.readStatus(), { what: 'the agent status file' });
    assert.equal(status.consecutive_failures, 0);
    assert.match(await gw.logs(), /gateway-tray agent: started in the worker 0 process/);
  });

  test('serves a route and counts the call', { timeout: 30_000 }, async () => {
    const before = (await rig.instance(gw)).api_calls;
    await rig.putRoute('or-route');
    await waitFor(async () => (await rig.get(gw, '/or-route/x')).status === 200, { what: 'the route to be served' });
    const counted = await waitFor(
      async () => {
        const inst = await rig.instance(gw);
        return inst.api_calls > before ? inst : undefined;
      },
      { timeoutMs: 15_000, what: 'the call to be counted' },
    );
    assert.ok(counted.api_calls >= before + 1);
  });
});
