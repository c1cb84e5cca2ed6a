/**
 * The wizard's cloud path, end to end, in Debian's Chromium against `gateway-tray ui --web`, the real
 * dockerd, a real etcd and the embedded control plane used as a cloud one (it speaks the same API):
 * - the control-plane step shows the recalled-profile note for a name a removed profile had, fills the
 *   address from it, and the profile is added with its ports and image;
 * - a launch refused for a missing token offers "Set the token" in the launch step itself, and the
 *   launch then runs to the end.
 * Kept short (one launch, of an image already on the daemon): the long tour is onboarding.test.ts.
 * Screens go to test/artifacts/e2e-cloud/, 1100×760 and 420 px wide, light and dark.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { RemovedProfiles } from '../../src/core/app/removed-profiles.ts';
import { openHomeSecretStore } from '../../src/core/credentials/home-secret-store.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { launchChromium, launchChromiumPage } from '../helpers/browser.ts';
import { STANDIN_IMAGE, ensureStandinImage, freePort, removeContainersByLabel, testDocker } from '../helpers/docker.ts';
import { startEtcd, type RunningEtcd } from '../helpers/etcd.ts';
import { buildRenderer, REPO, startUiWeb, stopUiWebReporting, type UiProcess } from '../helpers/ui-web.ts';
import { shootVariants, unnamedControls, WIDE } from '../helpers/ui-shots.ts';
import { freeProfilePorts } from '../integration/launch-setup.ts';

const SHOTS = join(REPO, 'test/artifacts/e2e-cloud');
const LONG = 180_000;
let docker: Docker;
let etcd: RunningEtcd;
let home: string;
let env: NodeJS.ProcessEnv;
let ui: UiProcess;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let cp: { apiUrl: string; token: string };
let ports: Awaited<ReturnType<typeof freeProfilePorts>>;
let shot = 0;
const PROFILE = 'wizard-team';

async function screenshot(name: string): Promise<void> {
  shot += 1;
  await shootVariants(page, SHOTS, `${String(shot).padStart(2, '0')}-${name}`);
  assert.deepEqual(await unnamedControls(page), [], `every control on "${name}" has an accessible name`);
}

before(async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  await buildRenderer();
  docker = await testDocker();
  await ensureStandinImage(docker);
  etcd = await startEtcd();
  home = await mkdtemp(join(tmpdir(), 'gt-e2e-cloud-'));
  // Ports of this home chosen up front: 7080 and 7443 are anyone's on a shared machine.
  mkdirSync(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  rememberPorts(join(home, 'control-plane'), { apiPort: await freePort(), dpPort: await freePort() });
  env = { ...process.env, GATEWAY_TRAY_HOME: home };
  ui = await startUiWeb(['--etcd', etcd.url], env);
  const found = await locateLocalControlPlane(home);
  assert.ok('info' in found, 'ui --web hosts the control plane');
  cp = { apiUrl: found.info.apiUrl, token: found.token };
  // A cloud profile removed earlier, with ports and an image of its own. Its name is this file's alone:
  // recall prefers a gateway container of that name, and other files' "team" gateways share the daemon.
  ports = await freeProfilePorts();
  new RemovedProfiles(home).remember({ name: PROFILE, kind: 'cloud', apiUrl: cp.apiUrl, image: STANDIN_IMAGE, ports, module: 'auto', options: { autoRenewCert: true } });
  ({ browser, page } = await launchChromiumPage(WIDE));
});

after(async () => {
  await browser?.close();
  await stopUiWebReporting(ui);
  const instanceId = home ? readInstanceId(home, PROFILE) : undefined;
  if (docker && instanceId) await removeContainersByLabel(docker, LABEL_INSTANCE_ID, instanceId).catch(() => undefined);
  await etcd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test("the wizard's cloud step says a removed profile's ports and image come back, and adds the profile with them", async () => {
  await page.goto(ui.url);
  await page.getByText('Step 1 of 5: Docker').waitFor();
  await page.getByText(/^Docker answers: Docker /).waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText('Step 2 of 5: Control plane').waitFor();
  await page.getByRole('radio', { name: /^Cloud/ }).check();
  await page.getByLabel('Profile name').fill(PROFILE);
  const note = page.locator('[data-testid="recalled-profile"][data-source="removed"]');
  await note.waitFor();
  assert.match((await note.textContent()) ?? '', new RegExp(`A profile named "${PROFILE}" was removed \\d+ s ago\\.`));
  assert.equal(
    await page.getByTestId('recalled-settings').textContent(),
    `It had HTTP ${ports.proxyHttp}, HTTPS ${ports.proxyHttps}, Control API ${ports.control}, Prometheus ${ports.prometheus} and the image ${STANDIN_IMAGE}.`,
  );
  assert.equal(await page.getByLabel('Control-plane address').inputValue(), cp.apiUrl, 'the empty address is filled from it');
  assert.equal(await page.getByTestId('recall-restore').isChecked(), true);
  await page.getByLabel('Access token').fill(cp.token);
  await screenshot('wizard-cloud-recalled');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText('Step 3 of 5: Ports and image').waitFor();
  // The ports step shows the profile as added: its old ports and image, not the defaults.
  await page.getByLabel('Gateway HTTP port').and(page.locator(`[value="${ports.proxyHttp}"]`)).waitFor();
  assert.equal(await page.getByLabel('Gateway HTTPS port').inputValue(), String(ports.proxyHttps));
  assert.equal(await page.getByLabel('Gateway image').inputValue(), STANDIN_IMAGE);
  for (const k of ['proxyHttp', 'proxyHttps', 'control', 'prometheus']) await page.getByTestId(`port-msg-${k}`).filter({ hasText: 'Free.' }).waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText('Step 4 of 5: Launch').waitFor();
});

test('a launch refused for a missing token offers "Set the token" in the launch step, and then runs', async () => {
  // The token lost (as with a damaged secrets file): the home's one store, the one ui --web reads.
  const { store } = await openHomeSecretStore({ home, env });
  assert.equal(await store.delete(profileTokenKey(PROFILE)), true);
  // The app reads the token when it opens the profile: the profile is re-opened by a settings change.
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await page.getByText('Step 3 of 5: Ports and image').waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText('Step 4 of 5: Launch').waitFor();
  await page.getByRole('button', { name: 'Launch the gateway' }).click();
  const reason = page.locator('[data-testid="reason"][data-reason="token-missing"]');
  await reason.waitFor({ timeout: LONG });
  assert.match((await reason.getByTestId('reason-message').textContent()) ?? '', /^No access token is stored for this profile/);
  await reason.getByRole('button', { name: 'Set the token' }).click();
  await page.getByTestId(`set-token-form-${PROFILE}`).waitFor();
  await page.getByLabel(`New token for ${PROFILE}`).fill(cp.token);
  await screenshot('wizard-launch-set-token');
  await page.getByTestId(`set-token-form-${PROFILE}`).getByRole('button', { name: 'Save' }).click();
  await page.getByText(/^The gateway runs \(container [0-9a-f]{12}\); the launch took .+\.$/).waitFor({ timeout: LONG });
  assert.equal(await page.getByTestId('launch-error').count(), 0, 'the failure is gone');
  await screenshot('wizard-cloud-launched');
});
