import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets } from '../../src/core/log/redact.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { commands } from '../../src/cli/commands/index.ts';
import { captureIO } from '../helpers/capture-io.ts';

const KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\nabcd==\n-----END RSA PRIVATE KEY-----';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwianRpIjoieCJ9.c2lnbmF0dXJlLWJ5dGVz';

test('PEM blocks, bearer tokens and JWTs are replaced; the rest of the line stays', () => {
  const line = `request failed (Authorization: Bearer ${JWT}) with key ${KEY} and raw ${JWT}; retry`;
  const out = redactSecrets(line);
  assert.equal(out, 'request failed (Authorization: Bearer [redacted]) with key [RSA PRIVATE KEY redacted] and raw [token redacted]; retry');
  assert.ok(!out.includes('MIIE') && !out.includes('eyJ'));
});

test('a truncated PEM block is still hidden, and text without secrets is unchanged', () => {
  assert.equal(redactSecrets('tail: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN'), 'tail: [PRIVATE KEY redacted]');
  assert.equal(redactSecrets('Port 9080 is in use; choose another'), 'Port 9080 is in use; choose another');
});

test("a command's failure is printed without the secret it carried", async () => {
  commands.push({ name: 'leaky', summary: '', load: async () => ({ name: 'leaky', summary: '', usage: '', run: async () => Promise.reject(new Error(`the server said: Bearer ${JWT}`)) }) });
  try {
    const io = captureIO();
    assert.equal(await runCli(['leaky'], io), 1);
    assert.equal(io.stderr(), 'gateway-tray leaky: the server said: Bearer [redacted]');
  } finally {
    commands.pop();
  }
});
