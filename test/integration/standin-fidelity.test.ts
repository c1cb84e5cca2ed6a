/**
 * The stand-in's fidelity to the real peers (PROTOCOL §6; the table in
 * test/fixtures/images/apisix-standin/README.md): each behaviour of the official image that the agent
 * relies on is checked here against the stand-in itself, with probes that are not the agent, so that a
 * stand-in that drifts from the real runtime fails here and not only through the agent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { readContainerFile } from '../../src/core/engine/archive.ts';
import { startAgentRig, type AgentRig } from '../helpers/agent-rig.ts';
import { waitUntilExited, type StandinGateway, type StandinRuntime } from '../helpers/standin-gateway.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PROBE_DIR = resolve(import.meta.dirname, '../fixtures/runtime-probe');

let rig: AgentRig;

before(async () => {
  rig = await startAgentRig('fidelity');
});

after(async () => {
  await rig?.cleanup();
});

interface ProbeResult {
  process_type: string;
  has_tlshandshake: boolean;
  setclientcert: string;
  tlshandshake: string | null;
}

async function probe(runtime: StandinRuntime): Promise<ProbeResult> {
  const gw = await rig.startGateway({
    runtime,
    agentDir: PROBE_DIR,
    editConfig: (yaml) => yaml.replace(/lua_module_hook: .*/, 'lua_module_hook: runtime_probe'),
  });
  const raw = await waitFor(() => readContainerFile(rig.docker, gw.containerId, '/usr/local/apisix/logs/runtime-probe.json'), {
    timeoutMs: 15_000,
    what: 'the runtime probe to write its result',
  });
  return JSON.parse(raw.toString('utf8')) as ProbeResult;
}

async function scrape(gw: StandinGateway): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${gw.ports.prometheus}/apisix/prometheus/metrics`, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, body: await res.text() };
}

/** The apisix_http_status count of one route, as the stand-in's Prometheus exports it. */
function routeCount(text: string, route: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('apisix_http_status{') && line.includes(`route="${route}"`)) total += Number(line.split(' ').at(-1));
  }
  return total;
}

/** etcd's v3 JSON gateway, straight to the harness's etcd: the stand-in's config, without the control plane. */
async function etcd(path: string, body: Record<string, string>): Promise<void> {
  const enc = (s: string) => Buffer.from(s).toString('base64');
  const res = await fetch(`${rig.h.etcd.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(Object.fromEntries(Object.entries(body).map(([k, v]) => [k, enc(v)]))),
  });
  assert.equal(res.status, 200, `${path}: ${await res.text()}`);
}

describe('the cosocket API of the runtime the stand-in plays', () => {
  test('apisix-runtime: sslhandshake ignores setclientcert, tlshandshake takes PEM strings, a privileged agent exists', { timeout: 30_000 }, async () => {
    const r = await probe('apisix-runtime');
    assert.equal(r.has_tlshandshake, true);
    assert.doesNotMatch(r.setclientcert, /^HTTP\/1\.1 200/, 'a certificate set with setclientcert must not reach the handshake');
    assert.match(r.tlshandshake ?? '', /^HTTP\/1\.1 200/);
    assert.equal(r.process_type, 'privileged agent');
  });

  test('openresty: no tlshandshake, setclientcert works, no privileged agent (worker 0)', { timeout: 30_000 }, async () => {
    const r = await probe('openresty');
    assert.equal(r.has_tlshandshake, false);
    assert.match(r.setclientcert, /^HTTP\/1\.1 200/);
    assert.equal(r.tlshandshake, null);
    assert.equal(r.process_type, 'worker');
  });
});

describe('APISIX 3.13\'s Prometheus exporter, as the stand-in plays it', () => {
  test('answers 500 for its first seconds, then 200', { timeout: 30_000 }, async () => {
    const gw = await rig.startGateway({ metricsWarmupS: 3 });
    const first = await waitFor(() => scrape(gw), { timeoutMs: 10_000, intervalMs: 50, what: 'a first answer on 9091' });
    assert.equal(first.status, 500);
    const later = await waitFor(
      async () => {
        const s = await scrape(gw);
        return s.status === 200 ? s : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'Prometheus to answer 200' },
    );
    assert.match(later.body, /apisix_etcd_reachable 1/);
  });

  test('counts a route only with the prometheus plugin, or everything once a global rule enables it', { timeout: 60_000 }, async () => {
    const gw = await rig.startGateway({ metricsWarmupS: 0 });
    await etcd('/v3/kv/deleterange', { key: '/apisix/global_rules/', range_end: '/apisix/global_rules0' });
    await rig.putRoute('plain');
    await rig.putRoute('counted', { plugins: { prometheus: {} } });
    for (const id of ['plain', 'counted']) {
      await waitFor(async () => (await rig.get(gw, `/${id}/x`)).status === 200, { what: `route ${id} to be served` });
    }
    // APISIX counts a request in its log phase, after the answer is sent: a scrape right after the answer
    // may come first, so it is looked for until the counted route shows.
    const without = await waitFor(
      async () => {
        const body = (await scrape(gw)).body;
        return routeCount(body, 'counted') >= 1 ? body : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the route with the plugin to be counted' },
    );
    assert.equal(routeCount(without, 'plain'), 0, 'a route without the plugin is not counted while no global rule enables it');
    await etcd('/v3/kv/put', { key: '/apisix/global_rules/fidelity', value: JSON.stringify({ id: 'fidelity', plugins: { prometheus: {} } }) });
    const counted = await waitFor(
      async () => {
        await rig.get(gw, '/plain/y');
        return routeCount((await scrape(gw)).body, 'plain') >= 1;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'the plain route to be counted under the global rule' },
    );
    assert.ok(counted);
  });
});

describe('APISIX 3.x\'s reading of config.yaml', () => {
  test('ignores a top-level etcd (the 2.15 layout) without a deployment, and dies on its default etcd', { timeout: 60_000 }, async () => {
    const gw = await rig.startGateway({
      // The same etcd settings, moved to the top level as API7 Cloud's 2.15-layout template has them.
      editConfig: (yaml) => {
        const { deployment, ...rest } = parse(yaml) as { deployment: { etcd: unknown } };
        return stringify({ ...rest, etcd: deployment.etcd });
      },
    });
    const stopped = await waitUntilExited(gw);
    assert.notEqual(stopped.exitCode, 0);
    const logs = await gw.logs();
    assert.match(logs, /127\.0\.0\.1:2379/);
    assert.match(logs, /all etcd nodes are unavailable/);
  });
});
