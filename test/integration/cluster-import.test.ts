import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dpRequest, heartbeatBody, startHarness, type Harness } from '../helpers/control-plane.ts';
import { freePort } from '../helpers/etcd.ts';
import { startEtcdCluster, type RunningEtcdCluster } from '../helpers/etcd-cluster.ts';
import { listInstances, startReplica, type Replica } from '../helpers/cluster-replica.ts';
import { CLI_ARGS } from '../helpers/cli-process.ts';

const run = promisify(execFile);
const OPERATOR_KEY = randomBytes(24).toString('base64');

let h: Harness | undefined;
let etcd: RunningEtcdCluster | undefined;
let replica: Replica | undefined;
let home: string | undefined;
after(async () => {
  await replica?.stop();
  await h?.cleanup();
  await etcd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

async function apiCall(apiUrl: string, token: string, method: string, path: string): Promise<{ status: { code: number }; payload?: Record<string, unknown> }> {
  const res = await fetch(`${apiUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { status: { code: number }; payload?: Record<string, unknown> };
}

function runImport(dataDir: string, urls: string[]) {
  return run(process.execPath, [...CLI_ARGS, 'control-plane', 'import', '--data-dir', dataDir, '--etcd', urls.join(',')], {
    env: { ...process.env, GATEWAY_TRAY_CLUSTER_KEY: OPERATOR_KEY },
  });
}

test('control-plane import moves a data folder into etcd and loses nothing', async () => {
  // A single control plane with instances, a revoked serial and its admin token.
  h = await startHarness();
  const clusterId = h.cp.clusterId;
  const ids = ['gw-imp-1', 'gw-imp-2', 'gw-imp-3'];
  const kept: { cert: string; key: string; ca: string; servername: string }[] = [];
  for (const id of ids) {
    const cert = await apiCall(h.cp.apiUrl, h.token, 'GET', `/clusters/${clusterId}/gateway_certificate?instance_id=${id}`);
    const p = cert.payload as { certificate: string; private_key: string; ca_certificate: string; serial: string };
    kept.push({ cert: p.certificate, key: p.private_key, ca: p.ca_certificate, servername: h.cp.domain });
    const res = await dpRequest(h.cp.dataPlaneUrl, { cert: p.certificate, key: p.private_key, ca: p.ca_certificate, servername: h.cp.domain }, {
      method: 'POST', path: '/api/v1/dp/instance/heartbeat', headers: { 'x-apiseven-instance-id': id }, body: heartbeatBody(id),
    });
    assert.equal(res.status, 200);
  }
  const revokedCert = (await apiCall(h.cp.apiUrl, h.token, 'GET', `/clusters/${clusterId}/gateway_certificate?instance_id=gw-imp-1`)).payload as { certificate: string; private_key: string; ca_certificate: string; serial: string };
  assert.equal((await apiCall(h.cp.apiUrl, h.token, 'DELETE', `/clusters/${clusterId}/gateway_certificate/${revokedCert.serial}`)).status.code, 0);
  const before = ((await apiCall(h.cp.apiUrl, h.token, 'GET', `/clusters/${clusterId}/instances`)).payload as { list: { id: string; register_time: string }[] }).list;
  const token = h.token;
  const caPem = h.caPem;
  await h.cp.stop();

  etcd = await startEtcdCluster(3);
  const first = await runImport(h.dataDir, etcd.urls);
  assert.match(first.stdout, /3 instance\(s\)/);
  assert.match(first.stdout, /1 revoked serial\(s\)/);
  // Once only: a second import is refused and writes nothing.
  await assert.rejects(runImport(h.dataDir, etcd.urls), (err: { code?: number; stderr?: string }) => err.code === 1 && /already holds a cluster/.test(err.stderr ?? ''));

  home = await mkdtemp(join(tmpdir(), 'gt-cluster-import-'));
  const dpPort = await freePort();
  replica = await startReplica({ name: 'r', dataDir: join(home, 'r'), dpPort, etcdUrls: etcd.urls, advertise: [`127.0.0.1:${dpPort}`], operatorKey: OPERATOR_KEY });
  assert.equal(replica.clusterId, clusterId, 'the same identity');
  assert.equal(replica.token, token, 'the same admin token');
  assert.equal(await readFile(join(replica.dataDir, 'ca.crt'), 'utf8'), caPem, 'the same CA');
  const after = await listInstances(replica);
  for (const i of before) {
    const found = after.find((x) => x.id === i.id);
    assert.ok(found, `${i.id} imported`);
    assert.equal(found.register_time, i.register_time, `${i.id} keeps its registration time`);
  }
  // The old certificates still work against the cluster, the revoked one is refused.
  const creds = { cert: revokedCert.certificate, key: revokedCert.private_key, ca: revokedCert.ca_certificate, servername: 'control-plane.gateway-tray.internal' };
  await assert.rejects(dpRequest(replica.dataPlaneUrl, creds, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('gw-imp-1') }));
  const ok = await dpRequest(replica.dataPlaneUrl, kept[1]!, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', headers: { 'x-apiseven-instance-id': 'gw-imp-2' }, body: heartbeatBody('gw-imp-2') });
  assert.equal(ok.status, 200, 'a certificate issued before the import still works');
});
