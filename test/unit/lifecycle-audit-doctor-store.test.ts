/**
 * Issue 10: "`doctor` reports the wrong store." doctor's secret-store check names the one store this
 * home records (secret-store.json), whoever opened the home first, and not what this process would
 * choose on its own; and a recorded keyring that does not answer is not reported as fine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { secretStoreCheck } from '../../src/core/doctor/secret-store-check.ts';
import type { DoctorContext } from '../../src/core/doctor/types.ts';
import { openHomeSecretStore, SECRET_STORE_RECORD } from '../../src/core/credentials/home-secret-store.ts';

// No session bus: a keyring can't answer, as on a headless machine.
const noBus = { PATH: process.env.PATH, HOME: '/nonexistent' };
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-audit-doctor-store-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const ctx = (extra: Partial<DoctorContext> = {}) => ({ home, env: noBus, ...extra }) as unknown as DoctorContext;

test('doctor names the store the home recorded when the app opened it first, and that the CLI uses it too', async () => {
  const opened = await openHomeSecretStore({ home, env: noBus, platform: 'linux' });
  const r = await secretStoreCheck.run(ctx({ secrets: opened.store }));
  assert.match(r.detail, /^encrypted-file: /);
  assert.match(r.detail, /recorded in secret-store\.json; the app and the CLI both use it/);
});

test('a home recorded as keyring is reported as the keyring, not the file this process would pick; a keyring that does not answer is not ok', async () => {
  writeFileSync(join(home, SECRET_STORE_RECORD), JSON.stringify({ version: 1, backend: 'keyring', chosenAt: '2026-01-01T00:00:00.000Z' }));
  const r = await secretStoreCheck.run(ctx());
  assert.match(r.detail, /^keyring: /, r.detail);
  assert.notEqual(r.status, 'ok', `the keyring does not answer here: ${r.status}: ${r.detail}`);
  assert.ok(r.fix, 'with what to do');
});
