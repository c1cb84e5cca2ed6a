import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { captureIO } from '../helpers/capture-io.ts';

const home = mkdtempSync(join(tmpdir(), 'gt-cli-ui-'));
after(() => rmSync(home, { recursive: true, force: true }));
const env = { ...process.env, GATEWAY_TRAY_HOME: home };

test('ui needs --web, and says how the desktop app starts instead', async () => {
  const io = captureIO(env);
  assert.equal(await runCli(['ui'], io), 2);
  assert.match(io.stderr(), /Say --web.*npm start/);
});

test('bad flags exit 2 with what was expected', async () => {
  for (const [args, message] of [
    [['ui', '--web', '--port', 'abc'], /--port expects a port number from 1 to 65535, got "abc"/],
    [['ui', '--web', '--port', '70000'], /--port expects/],
    [['ui', '--web', '--etcd', 'https://x'], /--etcd must be an http:\/\/ URL/],
    [['ui', '--web', '--image', 'NOT A REF'], /--image: Invalid changes/],
    [['ui', '--web', '--bogus'], /Unknown option '--bogus'/],
  ] as const) {
    const io = captureIO(env);
    assert.equal(await runCli([...args], io), 2, args.join(' '));
    assert.match(io.stderr(), message);
  }
  assert.equal(new ProfileStore({ home }).getDefault().image, 'apache/apisix:3.13.0-debian', 'a refused image changes nothing');
});
