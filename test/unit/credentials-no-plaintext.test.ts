import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openHomeSecretStore } from '../../src/core/credentials/home-secret-store.ts';
import { instanceId } from '../../src/core/credentials/instance-id.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';
import { writeTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { testPki } from '../helpers/test-pki.ts';

let home: string;
const previousHome = process.env.GATEWAY_TRAY_HOME;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-scan-'));
  process.env.GATEWAY_TRAY_HOME = home;
});
after(() => {
  if (previousHome === undefined) delete process.env.GATEWAY_TRAY_HOME;
  else process.env.GATEWAY_TRAY_HOME = previousHome;
  rmSync(home, { recursive: true, force: true });
});

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? allFiles(path) : [path];
  });
}

test('after storing a token and a key, the token is in no file under GATEWAY_TRAY_HOME in plain text', async () => {
  const token = `gt-token-${Date.now()}-Zq9xV2`;
  const profiles = new ProfileStore();
  profiles.add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com' });
  // No session bus in this environment, so the headless choice is the encrypted file in the home folder.
  const { store } = await openHomeSecretStore({ home, env: { PATH: process.env.PATH }, platform: 'linux' });
  assert.equal(store.backend().name, 'encrypted-file');
  await store.set(profileTokenKey('work'), token);
  const { leaf, ca } = testPki();
  const { id } = instanceId({ profile: 'work' });
  writeTlsBundle({ profile: 'work', instanceId: id }, { certificate: leaf.pem, privateKey: leaf.keyPem, caCertificate: ca.pem });
  assert.equal(await store.get(profileTokenKey('work')), token);

  const files = allFiles(home);
  assert.ok(files.length >= 6, `expected settings, secrets, key file, id and bundle, found ${files.join(', ')}`);
  const forms = [token, Buffer.from(token).toString('base64'), Buffer.from(token).toString('hex')];
  const keyBody = leaf.keyPem.split('\n').slice(1, -2).join('');
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const form of forms) assert.equal(bytes.includes(form), false, `${file} holds the token (${form.slice(0, 12)}…)`);
    if (!file.endsWith(join('tls', 'tls.key'))) {
      const flat = bytes.toString('latin1').replace(/\s/g, '');
      assert.equal(flat.includes(keyBody.slice(0, 64)), false, `${file} holds the private key`);
    }
  }
});
