/**
 * The dashboard's launch, end to end, in Debian's Chromium against `gateway-tray ui --web`, the real
 * dockerd, a real etcd, the local registry and the embedded control plane:
 * - a cloud profile with no token says so on the state card, offers "Set the token" (which opens
 *   Settings, Profiles, on its form) instead of Launch, and offers Launch once the token is set;
 * - a launch started on the dashboard shows its stages while the pull runs, is cancelled from the
 *   keyboard, says in a toast that nothing was left running, leaves nothing in Docker or on disk, and
 *   offers Launch again, which then runs to the end.
 * The pull goes to the local registry through a link held shut (test/helpers/held-link.ts), so the
 * launch is in its image stage for as long as the test needs, as behind a slow network.
 * Screens go to test/artifacts/e2e-dashboard/, 1100×760 and 420 px wide, light and dark.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { AppSettingsStore } from '../../src/core/app/app-settings.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { launchChromium, launchChromiumPage } from '../helpers/browser.ts';
import { LOCAL_REGISTRY, STANDIN_IMAGE, ensureStandinImage, freePort, removeContainersByLabel, testDocker } from '../helpers/docker.ts';
import { startEtcd, type RunningEtcd } from '../helpers/etcd.ts';
import { startHeldLink, type HeldLink } from '../helpers/held-link.ts';
import { buildRenderer, REPO, startUiWeb, stopUiWebReporting, type UiProcess } from '../helpers/ui-web.ts';
import { shootVariants, unnamedControls, WIDE } from '../helpers/ui-shots.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from '../integration/launch-setup.ts';

const SHOTS = join(REPO, 'test/artifacts/e2e-dashboard');
const LONG = 180_000;
let docker: Docker;
let etcd: RunningEtcd;
let home: string;
let ui: UiProcess;
let link: HeldLink;
/** The stand-in image named through the held link: not on the daemon under this name, so it is pulled. */
let heldImage: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let cpToken: string;
let shot = 0;

async function screenshot(name: string): Promise<void> {
  shot += 1;
  await shootVariants(page, SHOTS, `${String(shot).padStart(2, '0')}-${name}`);
  assert.deepEqual(await unnamedControls(page), [], `every control on "${name}" has an accessible name`);
}

async function nav(section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: section }).click();
  await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'page-title', { timeoutMs: 5000, what: `focus on the ${section} title` });
}

/** Containers of this home's instance of `profile`, in any state. */
async function containersOf(profile: string): Promise<string[]> {
  const id = readInstanceId(home, profile);
  if (!id) return [];
  const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE_ID}=${id}`] } });
  return list.map((c) => `${c.Names.join(',')} (${c.State})`);
}

/** The files a launch of `profile` makes beside its kept instance id (certificate, config, id file). */
function instanceFiles(profile: string): string[] {
  const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)])) : []);
  return walk(join(home, 'instances', profile)).filter((f) => !f.endsWith('instance-id'));
}

const untagHeldImage = () =>
  docker
    .getImage(heldImage)
    .remove({ noprune: true })
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err;
    });

before(async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  await buildRenderer();
  docker = await testDocker();
  await ensureStandinImage(docker);
  const [registryHost, registryPort] = LOCAL_REGISTRY.split(':') as [string, string];
  link = await startHeldLink({ host: registryHost, port: Number(registryPort) });
  heldImage = STANDIN_IMAGE.replace(LOCAL_REGISTRY, link.host);
  await untagHeldImage();
  etcd = await startEtcd();
  home = await mkdtemp(join(tmpdir(), 'gt-e2e-dashboard-'));
  // Past the wizard, with ports of its own: the control plane's, and the two profiles'.
  mkdirSync(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  const apiPort = await freePort();
  rememberPorts(join(home, 'control-plane'), { apiPort, dpPort: await freePort() });
  new AppSettingsStore(home).update({ onboarded: true });
  const profiles = new ProfileStore({ home });
  const local = { image: heldImage, ports: await freeProfilePorts() };
  if (profiles.has('local')) profiles.update('local', local);
  else profiles.add({ name: 'local', kind: 'local', ...local });
  // A cloud profile whose token was never stored (or was lost): the embedded control plane is its cloud.
  profiles.add({ name: 'team', kind: 'cloud', apiUrl: `http://127.0.0.1:${apiPort}`, image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  profiles.use('team');
  ui = await startUiWeb(['--etcd', etcd.url], { ...process.env, GATEWAY_TRAY_HOME: home });
  const found = await locateLocalControlPlane(home);
  assert.ok('info' in found, 'ui --web hosts the control plane');
  assert.equal(found.info.apiUrl, `http://127.0.0.1:${apiPort}`, 'on the port remembered for it');
  cpToken = found.token;
  ({ browser, page } = await launchChromiumPage(WIDE));
});

after(async () => {
  await browser?.close();
  await stopUiWebReporting(ui);
  for (const profile of ['local', 'team']) {
    const instanceId = home ? readInstanceId(home, profile) : undefined;
    if (docker && instanceId) await removeContainersByLabel(docker, LABEL_INSTANCE_ID, instanceId).catch(() => undefined);
  }
  if (docker && heldImage) await untagHeldImage().catch(() => undefined);
  await link?.close();
  await etcd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('a cloud profile with no token says so, offers "Set the token" instead of Launch, and Launch once it is set', async () => {
  await page.goto(ui.url);
  const card = page.locator('.state-card');
  const reason = card.locator('[data-testid="reason"][data-reason="token-missing"]');
  await reason.waitFor();
  assert.match((await reason.getByTestId('reason-message').textContent()) ?? '', /^No access token is stored for this profile/);
  const actions = page.getByRole('group', { name: 'Gateway actions' });
  assert.equal(await actions.getByRole('button', { name: 'Launch' }).count(), 0, 'no Launch that can only fail');
  await page.getByText('Set this profile’s token first (above); then launch it').waitFor();
  await screenshot('dashboard-no-token');
  await reason.getByRole('button', { name: 'Set the token' }).click();
  // Settings, Profiles, with the profile's set-token form open and its field focused.
  await page.getByTestId('set-token-form-team').waitFor();
  await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'token-team', { timeoutMs: 5000, what: "focus on team's token field" });
  await page.keyboard.type(cpToken);
  await page.getByTestId('set-token-form-team').getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('toast').filter({ hasText: 'The token of team was replaced.' }).waitFor();
  await nav('Dashboard');
  await actions.getByRole('button', { name: 'Launch' }).waitFor();
  assert.equal(await card.locator('[data-reason="token-missing"]').count(), 0, 'the missing token is no longer said');
  assert.match((await actions.getByRole('button', { name: 'Launch' }).getAttribute('class')) ?? '', /\bprimary\b/, 'Launch is the main action again');
});

test('a launch started on the dashboard shows its stages, is cancelled from the keyboard, leaves nothing, and Launch runs again', { timeout: LONG * 2 }, async () => {
  await page.getByTestId('profile-switcher').selectOption('local');
  await page.getByTestId('toast').filter({ hasText: 'Now using profile local.' }).waitFor();
  const state = page.getByTestId('gateway-state');
  await page.locator('[data-testid="gateway-state"][data-state="stopped"]').waitFor();
  const actions = page.getByRole('group', { name: 'Gateway actions' });
  await actions.getByRole('button', { name: 'Launch' }).click();

  // The pull is under way: its stage runs on the card, and dockerd has reached the (held) registry link.
  const panel = page.getByTestId('dashboard-launch');
  await panel.locator('[data-stage="image"][data-state="start"], [data-stage="image"][data-state="progress"]').waitFor({ timeout: LONG });
  await waitFor(() => link.accepted > 0, { timeoutMs: 30_000, what: 'dockerd to connect to the registry link' });
  for (const done of ['control-plane', 'preflight', 'resolve', 'certificate']) assert.equal(await panel.locator(`[data-stage="${done}"]`).getAttribute('data-state'), 'done', `${done} is done`);
  assert.equal(await actions.count(), 0, 'the gateway actions give way to the launch');
  await screenshot('dashboard-launch-running');

  const cancel = panel.getByRole('button', { name: 'Cancel the launch' });
  await cancel.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('toast').filter({ hasText: 'Launch cancelled; nothing was left running.' }).waitFor({ timeout: LONG });

  // Back where it was: Stopped, Launch offered, no failure to explain, and nothing left behind.
  await panel.waitFor({ state: 'detached' });
  assert.equal(await state.getAttribute('data-state'), 'stopped');
  const again = actions.getByRole('button', { name: 'Launch' });
  assert.equal(await again.isEnabled(), true);
  assert.equal(await page.getByText('The last launch failed').count(), 0, 'a cancel is not a failure');
  assert.deepEqual(await containersOf('local'), [], 'no container of the cancelled launch');
  assert.deepEqual(instanceFiles('local'), [], 'no certificate, config or id files of the cancelled launch');
  await screenshot('dashboard-launch-cancelled');

  // The registry answers now: Launch again pulls through the same link and runs to the end.
  link.release();
  await again.click();
  await page.locator('[data-testid="gateway-state"][data-state="healthy"]').waitFor({ timeout: LONG });
  assert.equal((await containersOf('local')).length, 1, 'one gateway container');
  await page.getByTestId('toast').filter({ hasText: 'The gateway was launched.' }).waitFor();
});
