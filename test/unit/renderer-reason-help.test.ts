/** Every stable reason code gets its own message and a fix the window can do. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerHelpKey, reasonHelp } from '../../renderer/src/view/reason-help.ts';
import { t } from '../../src/contract/i18n.ts';
import { REASON_CODES } from '../../src/core/reasons/reason-codes.ts';

test('each reason code has a message of its own and a fix, for local and cloud profiles', () => {
  for (const kind of ['local', 'cloud'] as const) {
    const messages = new Set<string>();
    for (const code of REASON_CODES) {
      const help = reasonHelp(code, kind);
      assert.ok(help, `${code} has help`);
      const text = t(help.message);
      assert.ok(text.length > 20 && !text.startsWith('reason.'), `${code}: ${text}`);
      assert.ok(!messages.has(text), `${code} says something no other reason says`);
      messages.add(text);
      assert.ok(t(help.fixLabel).length > 0);
    }
  }
});

test('the fixes the brief names: token → the set-token form, ports → the ports settings, Docker → how to start it, certificate → renew', () => {
  assert.equal(reasonHelp('token-refused', 'cloud')?.fix, 'set-token');
  assert.equal(reasonHelp('token-missing', 'cloud')?.fix, 'set-token');
  assert.equal(reasonHelp('port-in-use', 'local')?.fix, 'ports');
  assert.equal(reasonHelp('engine-unavailable', 'local')?.fix, 'docker-help');
  assert.equal(reasonHelp('certificate-expired', 'local')?.fix, 'renew-cert');
  assert.equal(reasonHelp('certificate-refused', 'cloud')?.fix, 'renew-cert');
  assert.equal(reasonHelp('image-not-found', 'local')?.fix, 'image');
  assert.equal(reasonHelp('config-centre-down', 'local')?.fix, 'components');
  assert.equal(reasonHelp('control-plane-down', 'local')?.fix, 'retry', 'the embedded one is restarted by checking again');
  assert.equal(reasonHelp('control-plane-down', 'cloud')?.fix, 'profiles', "a cloud one's address is in the profile");
  assert.match(t(reasonHelp('disk-full', 'local')!.message), /disk is full/);
});

test('an unknown or missing code gets no invented help', () => {
  assert.equal(reasonHelp(undefined, 'local'), undefined);
  assert.equal(reasonHelp('toString', 'local'), undefined);
  assert.equal(reasonHelp('something-new', 'local'), undefined);
});

test('how to start Docker depends on the platform', () => {
  assert.match(t(dockerHelpKey('linux')), /systemctl start docker/);
  assert.match(t(dockerHelpKey('darwin')), /Docker Desktop/);
  assert.match(t(dockerHelpKey('win32')), /Start menu/);
});
