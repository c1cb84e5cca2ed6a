import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/command.ts';
import { parseEtcdImage } from '../../src/cli/etcd-flag.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { etcdContainerCommand } from '../../src/core/gateway/etcd-container.ts';
import { DEFAULT_ETCD_IMAGE, ETCD_IMAGE_ENV, resolveEtcdImage } from '../../src/core/gateway/etcd-image.ts';
import { chooseEtcdSource, ensureLocalEtcd } from '../../src/core/gateway/etcd-process.ts';
import { chooseEtcdPorts, portTakenAtBind } from '../../src/core/gateway/etcd-ports.ts';
import { etcdRecordFile, etcdRecordSchema, readEtcdRecord, writeEtcdRecord } from '../../src/core/gateway/etcd-record.ts';

const homes: string[] = [];
const freshHome = () => {
  const h = mkdtempSync(join(tmpdir(), 'gt-etcd-choice-'));
  homes.push(h);
  return h;
};
after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

test('decision order: a healthy record, then the PATH binary, then a container when Docker answers, else nothing', () => {
  const cases: Array<[{ recordHealthy: boolean; binary: boolean; engineAnswers: boolean }, string]> = [
    [{ recordHealthy: true, binary: true, engineAnswers: true }, 'record'],
    [{ recordHealthy: true, binary: false, engineAnswers: false }, 'record'],
    [{ recordHealthy: false, binary: true, engineAnswers: true }, 'binary'],
    [{ recordHealthy: false, binary: true, engineAnswers: false }, 'binary'],
    [{ recordHealthy: false, binary: false, engineAnswers: true }, 'container'],
    [{ recordHealthy: false, binary: false, engineAnswers: false }, 'none'],
  ];
  for (const [facts, want] of cases) assert.equal(chooseEtcdSource(facts), want, JSON.stringify(facts));
});

test('record schema: old {url, pid} records still read, {url, container} is the new form, and neither both nor junk pass', () => {
  assert.ok(etcdRecordSchema.safeParse({ url: 'http://127.0.0.1:2379', pid: 42 }).success);
  assert.ok(etcdRecordSchema.safeParse({ url: 'http://127.0.0.1:2379', container: 'abc123' }).success);
  assert.ok(!etcdRecordSchema.safeParse({ url: 'http://127.0.0.1:2379', pid: 42, container: 'abc' }).success);
  assert.ok(!etcdRecordSchema.safeParse({ url: 'http://127.0.0.1:2379' }).success);
  assert.ok(!etcdRecordSchema.safeParse({ url: 'nope', pid: 1 }).success);
  assert.ok(!etcdRecordSchema.safeParse({ url: 'http://127.0.0.1:2379', pid: -1 }).success);
});

test('records are written at mode 0600 and read back; a missing or corrupt one reads as none', () => {
  const home = freshHome();
  assert.equal(readEtcdRecord(home), undefined);
  writeEtcdRecord(home, { url: 'http://127.0.0.1:23790', container: 'c0ffee' });
  assert.deepEqual(readEtcdRecord(home), { url: 'http://127.0.0.1:23790', container: 'c0ffee' });
  assert.equal(statSync(etcdRecordFile(home)).mode & 0o777, 0o600);
  // A record from before containers existed.
  writeFileSync(etcdRecordFile(home), '{"url":"http://127.0.0.1:2379","pid":1234}\n');
  assert.deepEqual(readEtcdRecord(home), { url: 'http://127.0.0.1:2379', pid: 1234 });
  writeFileSync(etcdRecordFile(home), '{not json');
  assert.equal(readEtcdRecord(home), undefined);
  assert.throws(() => writeEtcdRecord(home, { url: 'x' } as never));
  assert.match(readFileSync(etcdRecordFile(home), 'utf8'), /not json/, 'a refused record writes nothing');
});

test('etcd image: the flag, then GATEWAY_TRAY_ETCD_IMAGE, then the setting, then the default', () => {
  const env = { [ETCD_IMAGE_ENV]: 'env/etcd:1' };
  assert.equal(resolveEtcdImage({}), DEFAULT_ETCD_IMAGE);
  assert.equal(DEFAULT_ETCD_IMAGE, 'quay.io/coreos/etcd:v3.5.21');
  assert.equal(resolveEtcdImage({ setting: 'set/etcd:1' }), 'set/etcd:1');
  assert.equal(resolveEtcdImage({ setting: 'set/etcd:1', env }), 'env/etcd:1');
  assert.equal(resolveEtcdImage({ flag: 'flag/etcd:1', setting: 'set/etcd:1', env }), 'flag/etcd:1');
  assert.equal(resolveEtcdImage({ env: { [ETCD_IMAGE_ENV]: '  ' } }), DEFAULT_ETCD_IMAGE, 'a blank variable is no choice');
});

test('--etcd-image takes an image reference and refuses anything else with a usage error', () => {
  assert.equal(parseEtcdImage(' 127.0.0.1:5000/gateway-tray/apisix-standin:test '), '127.0.0.1:5000/gateway-tray/apisix-standin:test');
  assert.equal(parseEtcdImage(`quay.io/coreos/etcd@sha256:${'a'.repeat(64)}`), `quay.io/coreos/etcd@sha256:${'a'.repeat(64)}`);
  for (const bad of ['', 'has space', 'http://x/etcd', '-rf']) assert.throws(() => parseEtcdImage(bad), UsageError, bad);
});

test("the container's etcd listens on all of its own interfaces, advertises the host URL, and wants client certificates", () => {
  const cmd = etcdContainerCommand(23791, '/var/lib/etcd');
  const flag = (name: string) => cmd[cmd.indexOf(name) + 1];
  assert.equal(flag('--listen-client-urls'), 'https://0.0.0.0:2379');
  assert.equal(flag('--advertise-client-urls'), 'https://127.0.0.1:23791');
  assert.equal(flag('--data-dir'), '/var/lib/etcd/data');
  assert.equal(flag('--listen-peer-urls'), 'https://127.0.0.1:2380');
  assert.equal(flag('--initial-cluster'), 'gateway-tray=https://127.0.0.1:2380');
  assert.ok(cmd.includes('--client-cert-auth') && cmd.includes('--peer-client-cert-auth'));
  assert.equal(flag('--trusted-ca-file'), '/etc/gateway-tray-etcd/ca.crt');
  assert.equal(flag('--key-file'), '/etc/gateway-tray-etcd/etcd.key');
});

test('no etcd binary and no Docker: the error says to install etcd or start Docker', async () => {
  const home = freshHome();
  const emptyPath = join(home, 'bin');
  mkdirSync(emptyPath);
  const socketPath = join(home, 'no-docker.sock');
  const engine = new DockerEngine({ protocol: 'unix', url: `unix://${socketPath}`, socketPath });
  await assert.rejects(
    ensureLocalEtcd(home, { PATH: emptyPath }, { engine }),
    (e: unknown) => e instanceof GatewayError && /apt install etcd-server/.test(e.message) && /start Docker/.test(e.message) && /--etcd/.test(e.message),
  );
  assert.equal(readEtcdRecord(home), undefined);
});

test("a port etcd could not bind is read from etcd's own log line, and nothing else reads as one", () => {
  // As etcd 3.4.23 (Debian's etcd-server) writes it, with --logger zap.
  const real = '{"level":"warn","ts":"2026-12-01T20:59:01.661Z","caller":"etcdmain/etcd.go:176","msg":"failed to start etcd","error":"listen tcp 127.0.0.1:23999: bind: address already in use"}';
  assert.equal(portTakenAtBind(['{"level":"info","msg":"starting"}', real]), 23999);
  assert.equal(portTakenAtBind(['{"msg":"open /x: permission denied"}', '']), undefined);
  assert.equal(portTakenAtBind([]), undefined);
});

test('etcd ports: a port taken from under an earlier try is not chosen again, and client and peer never coincide', async () => {
  const first = await chooseEtcdPorts(2379, undefined, new Set());
  assert.notEqual(first.client, first.peer);
  const again = await chooseEtcdPorts(first.client, first.client, new Set([first.client, first.peer, 2380]));
  assert.ok(![first.client, first.peer, 2380].includes(again.client), `client ${again.client}`);
  assert.ok(![first.client, first.peer, 2380, again.client].includes(again.peer), `peer ${again.peer}`);
});
