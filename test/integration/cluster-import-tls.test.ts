import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCommand } from '../../src/cli/commands/control-plane-import.ts';
import { UsageError } from '../../src/cli/command.ts';
import { ClusterKv } from '../../src/control-plane/cluster/kv.ts';
import { startControlPlane } from '../../src/control-plane/index.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { alive } from '../../src/core/gateway/background-process.ts';
import { ensureLocalEtcd } from '../../src/core/gateway/etcd-process.ts';
import { etcdTlsFiles } from '../../src/core/gateway/etcd-tls.ts';
import { dpRequest, heartbeatBody } from '../helpers/control-plane.ts';
import { freePort } from '../helpers/etcd.ts';
import { listInstances, startReplica, type Replica } from '../helpers/cluster-replica.ts';

const ENV = { PATH: '/usr/bin:/bin' };
const OPERATOR_KEY = randomBytes(24).toString('base64');
let home: string | undefined;
let etcdPid: number | undefined;
let replica: Replica | undefined;
after(async () => {
  await replica?.stop();
  if (etcdPid !== undefined && alive(etcdPid)) process.kill(etcdPid, 'SIGKILL');
  if (home) await rm(home, { recursive: true, force: true });
});

/** `control-plane import` as the CLI runs it, in this process. */
async function runImport(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await importCommand(args, { out: (l) => lines.push(l), err: (l) => lines.push(l), env: { ...env, GATEWAY_TRAY_CLUSTER_KEY: OPERATOR_KEY } }, 'usage');
  return { code, out: lines.join('\n') };
}

test("control-plane import into the app's client-certificate TLS etcd: its own certificate by default, or the three flags", { timeout: 90_000 }, async () => {
  home = await mkdtemp(join(tmpdir(), 'gt-cluster-import-tls-'));
  const etcd = await ensureLocalEtcd(home, ENV);
  etcdPid = etcd.pid;
  assert.match(etcd.url, /^https:/);
  // A single control plane of this home on that etcd, with one instance.
  const dataDir = join(home, 'control-plane');
  const cp = await startControlPlane({ dataDir, etcdUrl: etcd.url, etcdTls: etcd.tls, apiListen: { host: '127.0.0.1', port: 0 }, dpListen: [{ host: '127.0.0.1', port: 0 }] });
  let clusterId: string;
  try {
    clusterId = cp.clusterId;
    const client = new CloudClient({ baseUrl: cp.apiUrl, token: (await readFile(cp.tokenFile, 'utf8')).trim() });
    const c = await client.gatewayCertificate(clusterId, 'gw-tls-1');
    const res = await dpRequest(cp.dataPlaneUrl, { cert: c.certificate, key: c.private_key, ca: c.ca_certificate, servername: cp.domain }, {
      method: 'POST', path: '/api/v1/dp/instance/heartbeat', headers: { 'x-apiseven-instance-id': 'gw-tls-1' }, body: heartbeatBody('gw-tls-1'),
    });
    assert.equal(res.status, 200);
  } finally {
    await cp.stop();
  }

  // No flags: the https:// etcd is reached with the home's own etcd client certificate.
  const env = { ...process.env, GATEWAY_TRAY_HOME: home };
  const own = await runImport(['--etcd', etcd.url], env);
  assert.equal(own.code, 0, own.out);
  assert.match(own.out, /1 instance\(s\)/);
  // The three flags, into another prefix.
  const f = etcdTlsFiles(home);
  const flagged = await runImport(['--data-dir', dataDir, '--etcd', etcd.url, '--cluster-prefix', '/gt-import-2/', '--etcd-ca', f.caCert, '--etcd-cert', f.clientCert, '--etcd-key', f.clientKey], { ...process.env, GATEWAY_TRAY_HOME: join(home, 'elsewhere') });
  assert.equal(flagged.code, 0, flagged.out);
  const kv = new ClusterKv([etcd.url], etcd.tls);
  try {
    for (const prefix of ['/gateway-tray-cluster/', '/gt-import-2/']) {
      assert.equal(JSON.parse((await kv.get(`${prefix}identity`))!.value).clusterId, clusterId, `${prefix} holds the identity`);
      assert.ok(await kv.get(`${prefix}instances/gw-tls-1`), `${prefix} holds the instance`);
    }
  } finally {
    kv.close();
  }
  // Without any client certificate, an https:// etcd is a usage error that says what is missing.
  await assert.rejects(runImport(['--data-dir', dataDir, '--etcd', etcd.url], { ...process.env, GATEWAY_TRAY_HOME: join(home, 'elsewhere') }), (err: unknown) => err instanceof UsageError && /--etcd-ca, --etcd-cert and --etcd-key/.test(err.message));

  // A replica on that TLS etcd serves the imported cluster.
  const dpPort = await freePort();
  replica = await startReplica({
    name: 'tls', dataDir: join(home, 'replica'), dpPort, etcdUrls: [etcd.url], advertise: [`127.0.0.1:${dpPort}`], operatorKey: OPERATOR_KEY,
    extraArgs: ['--etcd-ca', f.caCert, '--etcd-cert', f.clientCert, '--etcd-key', f.clientKey],
  });
  assert.equal(replica.clusterId, clusterId);
  assert.ok((await listInstances(replica)).some((i) => i.id === 'gw-tls-1'), 'the imported instance is listed');
});
