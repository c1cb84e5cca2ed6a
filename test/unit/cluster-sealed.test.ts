import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOperatorKey, OPERATOR_KEY_ENV } from '../../src/control-plane/cluster/operator-key.ts';
import { seal, SealError, unseal } from '../../src/control-plane/cluster/sealed.ts';

const KEY = 'an operator key of enough length';

test('a sealed secret opens with the same key and name, and carries nothing of the secret', () => {
  const secret = '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n';
  const sealed = seal(KEY, 'CA key', secret);
  assert.ok(!sealed.includes('PRIVATE KEY'));
  assert.ok(!sealed.includes(Buffer.from(secret).toString('base64').slice(0, 16)));
  assert.equal(unseal(KEY, 'CA key', sealed), secret);
  assert.notEqual(seal(KEY, 'CA key', secret), sealed, 'a new salt and IV each time');
});

test('another key, another name or a changed byte does not open it, and says what to do', () => {
  const sealed = seal(KEY, 'CA key', 'secret');
  assert.throws(() => unseal('another operator key, long', 'CA key', sealed), (e: Error) => e instanceof SealError && /give every replica the key/.test(e.message));
  assert.throws(() => unseal(KEY, 'JWT secret', sealed), SealError);
  const parsed = JSON.parse(sealed) as { data: string };
  const bytes = Buffer.from(parsed.data, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  assert.throws(() => unseal(KEY, 'CA key', JSON.stringify({ ...parsed, data: bytes.toString('base64') })), SealError);
  assert.throws(() => unseal(KEY, 'CA key', 'not json'), /not a sealed secret/);
});

test('the operator key comes from a 0600 file or the environment, and must be long', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gt-opkey-'));
  try {
    const file = join(dir, 'key');
    await writeFile(file, `${KEY}\n`, { mode: 0o600 });
    assert.equal(await readOperatorKey(file, {}), KEY);
    await chmod(file, 0o644);
    await assert.rejects(readOperatorKey(file, {}), /readable by others.*chmod 600/);
    await assert.rejects(readOperatorKey(join(dir, 'missing'), {}), /cannot read the cluster key file/);
    assert.equal(await readOperatorKey(undefined, { [OPERATOR_KEY_ENV]: KEY }), KEY);
    await assert.rejects(readOperatorKey(undefined, {}), /--cluster-key-file F or GATEWAY_TRAY_CLUSTER_KEY/);
    await assert.rejects(readOperatorKey(undefined, { [OPERATOR_KEY_ENV]: 'short' }), /shorter than 16/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
