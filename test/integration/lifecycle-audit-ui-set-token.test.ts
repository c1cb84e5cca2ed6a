/**
 * Issue 10: "`profiles set-token` … plus the same in the UI", and "a revoked token: the right reason,
 * and a way to set a new token". In the window (`ui --web` in real Chromium): a cloud profile with no
 * token shows token-missing with "Set the token"; that button opens the set-token form; a wrong token
 * is refused there and changes nothing; the right one is kept, the reason goes, and the dashboard offers
 * Launch again (none while the token was missing). The control plane is
 * the real one, in this process, on a real etcd.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AppSettingsStore } from '../../src/core/app/app-settings.ts';
import { openHomeSecretStore } from '../../src/core/credentials/home-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';
import { launchChromium } from '../helpers/browser.ts';
import { startHarness, type Harness } from '../helpers/control-plane.ts';
import { TEST_DOCKER_SOCKET } from '../helpers/docker.ts';
import { buildRenderer, startUiWeb, type UiProcess } from '../helpers/ui-web.ts';

let h: Harness;
let home: string;
let ui: UiProcess;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
// No session bus: the home's store is the encrypted file, as on a headless machine.
const env = () => ({ PATH: process.env.PATH, HOME: '/nonexistent', GATEWAY_TRAY_HOME: home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}` });

before(async () => {
  await buildRenderer();
  h = await startHarness();
  home = await mkdtemp(join(tmpdir(), 'gt-audit-ui-token-'));
  const profiles = new ProfileStore({ home });
  profiles.add({ name: 'team', kind: 'cloud', apiUrl: h.cp.apiUrl });
  profiles.use('team');
  new AppSettingsStore(home).update({ onboarded: true });
  ui = await startUiWeb([], env());
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await h?.cleanup();
  if (home) await rm(home, { recursive: true, force: true });
});

test('token-missing in the window: its button opens the set-token form; a wrong token is refused, the right one kept, and the reason goes', { timeout: 180_000 }, async () => {
  await page.goto(ui.url);
  // A cloud profile with no token says so before any launch, and offers no Launch that can only fail.
  const reason = page.locator('[data-testid="reason"][data-reason="token-missing"]');
  await reason.waitFor().catch(async (err: unknown) => {
    throw new Error(`${String(err)}\nthe window shows:\n${await page.locator('body').innerText()}\nreasons: ${JSON.stringify(await page.locator('[data-testid="reason"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason'))))}`);
  });
  assert.equal(await page.getByRole('button', { name: 'Launch', exact: true }).count(), 0, 'no Launch while the token is missing');
  await reason.getByRole('button', { name: 'Set the token' }).click();
  const form = page.getByTestId('set-token-form-team');
  await form.waitFor();

  await page.getByLabel('New token for team').fill('not-the-token');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByRole('alert').waitFor();
  const { store } = await openHomeSecretStore({ home, env: env(), platform: 'linux' });
  assert.equal(await store.get(profileTokenKey('team')), undefined, 'a refused token is not kept');

  await page.getByLabel('New token for team').fill(h.token);
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  assert.equal(await store.get(profileTokenKey('team')), h.token, "kept in the home's one store, which the CLI reads too");
  await page.locator('[data-testid="reason"][data-reason="token-missing"]').waitFor({ state: 'detached' });
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Dashboard' }).click();
  await page.getByRole('button', { name: 'Launch', exact: true }).first().waitFor();
});
