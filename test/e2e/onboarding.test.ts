/**
 * End to end, as a user would: Debian's Chromium (through playwright-core) drives the real renderer
 * served by `gateway-tray ui --web`, against the real dockerd, the stand-in gateway image, a real etcd
 * and the embedded control plane started by that command. Onboarding (Local) → launch → the dashboard
 * shows Healthy → add a route, see it applied and served by the gateway → stop → Stopped.
 * A screenshot of each step goes to test/artifacts/e2e/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { launchChromium } from '../helpers/browser.ts';
import { LOCAL_REGISTRY, STANDIN_IMAGE, ensureStandinImage, freePort, removeContainersByLabel, testDocker } from '../helpers/docker.ts';
import { startEtcd, type RunningEtcd } from '../helpers/etcd.ts';
import { buildRenderer, REPO, startUiWeb, type UiProcess } from '../helpers/ui-web.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SHOTS = join(REPO, 'test/artifacts/e2e');
/**
 * The stand-in under its own tag in the local registry, absent from the daemon when the launch starts, so
 * that the launch really pulls it (with progress) from 127.0.0.1:5000 and never from the internet.
 */
const PULL_IMAGE = `${LOCAL_REGISTRY}/gateway-tray/apisix-standin:e2e-pull`;
const LONG = 180_000;

let docker: Docker;
let etcd: RunningEtcd;
let home: string;
let ui: UiProcess;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let upstream: Server;
let upstreamUrl: string;
const ports = { proxyHttp: 0, proxyHttps: 0, control: 0, prometheus: 0 };
let shot = 0;

async function screenshot(name: string): Promise<void> {
  shot += 1;
  await page.screenshot({ path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function untagPullImage(): Promise<void> {
  await docker
    .getImage(PULL_IMAGE)
    .remove({ noprune: true })
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err;
    });
}

async function pushPullImage(): Promise<void> {
  const [repo, tag] = [PULL_IMAGE.slice(0, PULL_IMAGE.lastIndexOf(':')), PULL_IMAGE.slice(PULL_IMAGE.lastIndexOf(':') + 1)];
  await docker.getImage(STANDIN_IMAGE).tag({ repo, tag });
  // An empty auth header: the local registry needs none, but the Engine API wants the header.
  const stream = await docker.getImage(PULL_IMAGE).push({ authconfig: { serveraddress: LOCAL_REGISTRY } });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) reject(err ?? new Error(`push of ${PULL_IMAGE} failed: ${failed?.error}`));
      else resolve();
    }),
  );
  await untagPullImage();
}

before(async () => {
  rmSync(SHOTS, { recursive: true, force: true }); // only this run's steps, in order
  mkdirSync(SHOTS, { recursive: true });
  buildRenderer();
  docker = await testDocker();
  await ensureStandinImage(docker);
  await pushPullImage();
  const taken = new Set<number>();
  for (const k of Object.keys(ports) as Array<keyof typeof ports>) {
    let p = await freePort();
    while (taken.has(p)) p = await freePort();
    taken.add(p);
    ports[k] = p;
  }
  // The upstream listens on the Docker bridge address, where the gateway container reaches this host.
  const bridge = await bridgeGatewayAddress(docker);
  upstream = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from the e2e upstream: ${req.url}`));
  await new Promise<void>((resolve) => upstream.listen(0, bridge, resolve));
  upstreamUrl = `http://${bridge}:${(upstream.address() as { port: number }).port}`;
  etcd = await startEtcd();
  home = await mkdtemp(join(tmpdir(), 'gt-e2e-home-'));
  ui = await startUiWeb(['--etcd', etcd.url], { ...process.env, GATEWAY_TRAY_HOME: home });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
  const code = await ui?.stop();
  if (code !== undefined && code !== 0) console.error(`ui --web exited with ${code}:\n${ui.output()}`);
  const instanceId = home ? readInstanceId(home, 'local') : undefined;
  if (docker && instanceId) await removeContainersByLabel(docker, LABEL_INSTANCE_ID, instanceId).catch(() => undefined);
  if (docker) await untagPullImage().catch(() => undefined);
  await etcd?.stop();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  if (home) await rm(home, { recursive: true, force: true });
});

test('ui --web opens on the onboarding wizard, and the engine check finds Docker', async () => {
  await page.goto(ui.url);
  await page.getByRole('heading', { name: 'Set up your gateway' }).waitFor();
  await page.getByText('Step 1 of 5: Docker').waitFor();
  await page.getByText(/^Docker answers: Docker /).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token is removed from the address bar');
  await screenshot('wizard-engine');
  await page.getByRole('button', { name: 'Next' }).click();
});

test('the wizard takes Local, then free ports and the stand-in image', async () => {
  await page.getByText('Step 2 of 5: Control plane').waitFor();
  assert.equal(await page.getByRole('radio', { name: /^Local/ }).isChecked(), true);
  await screenshot('wizard-control-plane');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Step 3 of 5: Ports and image').waitFor();
  await page.getByLabel('Gateway HTTP port').fill(String(ports.proxyHttp));
  await page.getByLabel('Gateway HTTPS port').fill(String(ports.proxyHttps));
  await page.getByLabel('Control API port').fill(String(ports.control));
  await page.getByLabel('Prometheus port').fill(String(ports.prometheus));
  await page.getByLabel('Gateway image').fill(PULL_IMAGE);
  await screenshot('wizard-ports');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Step 4 of 5: Launch').waitFor();
});

test('a launch that fails says where and why, and can be retried', async () => {
  // Another process on the chosen HTTP port: a real failure, produced on demand.
  const squatter = createNetServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(ports.proxyHttp, '127.0.0.1', resolve));
  try {
    await page.getByRole('button', { name: 'Launch the gateway' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The launch failed at "Pre-flight checks"' });
    await alert.waitFor({ timeout: LONG });
    assert.match((await alert.textContent()) ?? '', new RegExp(`${ports.proxyHttp}.*in use`));
    assert.equal(await page.locator('[data-stage="preflight"]').getAttribute('data-state'), 'failed');
    await screenshot('wizard-launch-failed');
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
});

test('launch shows its stages and ends with a running gateway', async () => {
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.locator('[data-stage="container"][data-state="done"]').waitFor({ timeout: LONG });
  await page.getByText(/^The gateway runs \(container [0-9a-f]{12}\)\.$/).waitFor({ timeout: LONG });
  for (const stage of ['preflight', 'resolve', 'certificate', 'files', 'image', 'container', 'register']) {
    assert.equal(await page.locator(`[data-stage="${stage}"]`).getAttribute('data-state'), 'done', `stage ${stage} is done`);
  }
  assert.equal(await page.getByText('Pulling the image: 100%').count(), 1, 'the pull progress was shown');
  assert.equal(await page.locator('progress#pull-progress').getAttribute('value'), '100');
  await screenshot('wizard-launched');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText(/^Registered at .+; last heartbeat \d+ s ago\.$/).waitFor({ timeout: LONG });
  await screenshot('wizard-first-heartbeat');
  await page.getByRole('button', { name: 'Open the dashboard' }).click();
});

test('the dashboard shows Healthy, with ids, a ticking heartbeat age and a curl line', async () => {
  await page.locator('[data-testid="gateway-state"][data-state="healthy"]').waitFor({ timeout: LONG });
  assert.equal(await page.getByTestId('gateway-state').textContent(), 'Healthy');
  const instanceId = readInstanceId(home, 'local');
  assert.ok(instanceId);
  assert.equal(await page.getByTestId('instance-id').textContent(), instanceId);
  assert.match((await page.getByTestId('container-id').textContent()) ?? '', /^[0-9a-f]{12}$/);
  assert.equal(await page.getByTestId('curl-line').textContent(), `curl -i http://127.0.0.1:${ports.proxyHttp}/`);
  const ageBefore = await page.getByTestId('heartbeat-age').textContent();
  await waitFor(async () => (await page.getByTestId('heartbeat-age').textContent()) !== ageBefore, { timeoutMs: 15_000, what: 'the heartbeat age to tick' });
  await page.getByRole('list', { name: 'Recent heartbeats' }).locator('li').first().waitFor({ timeout: 30_000 });
  await screenshot('dashboard-healthy');
});

test('a route added in the UI is applied by the gateway and served on its port', async () => {
  await page.getByRole('tab', { name: 'Routes' }).click();
  await page.getByText('No routes yet.').waitFor();
  await page.getByLabel('Path').fill('/e2e-hello');
  await page.getByLabel('Upstream').fill(upstreamUrl);
  await page.getByRole('button', { name: 'Add route' }).click();
  const row = page.locator('tr[data-path="/e2e-hello"]');
  await row.waitFor();
  await screenshot('route-added');
  await row.locator('[data-applied="applied"]').waitFor({ timeout: 60_000 });
  assert.equal(await row.getByTestId('route-applied').textContent(), 'Applied by the gateway');
  const body = await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${ports.proxyHttp}/e2e-hello`, { signal: AbortSignal.timeout(3000) });
      return res.status === 200 ? res.text() : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: 'the gateway to serve /e2e-hello' },
  );
  assert.equal(body, 'hello from the e2e upstream: /e2e-hello');
  await screenshot('route-applied');
});

test('a route removed in the UI stops being served once the gateway applies the removal', async () => {
  await page.getByRole('button', { name: 'Remove route /e2e-hello' }).click();
  await page.getByText('No routes yet.').waitFor({ timeout: 60_000 });
  const status = await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${ports.proxyHttp}/e2e-hello`, { signal: AbortSignal.timeout(3000) });
      await res.arrayBuffer();
      return res.status === 404 ? res.status : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: 'the gateway to stop serving /e2e-hello' },
  );
  assert.equal(status, 404);
});

test('the logs page follows the gateway log', async () => {
  await page.getByRole('tab', { name: 'Logs' }).click();
  const log = page.getByRole('log');
  await waitFor(async () => ((await log.textContent()) ?? '').length > 0 && (await log.textContent()) !== 'No log lines yet.', { timeoutMs: 30_000, what: 'log lines' });
  await screenshot('logs');
});

test('stop from the dashboard shows Stopped', async () => {
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  await page.getByRole('group', { name: 'Gateway actions' }).getByRole('button', { name: 'Stop' }).click();
  await page.locator('[data-testid="gateway-state"][data-state="stopped"]').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('gateway-state').textContent(), 'Stopped');
  const containers = await docker.listContainers({ filters: { label: [`${LABEL_INSTANCE_ID}=${readInstanceId(home, 'local')}`] } });
  assert.equal(containers.length, 0, 'no running container of this instance is left');
  await screenshot('dashboard-stopped');
});

test('settings by keyboard: what Quit does is explained, and the dark theme applies', async () => {
  await page.getByRole('tab', { name: 'Dashboard' }).focus();
  await page.keyboard.press('End');
  const settingsTab = page.getByRole('tab', { name: 'Settings' });
  assert.equal(await settingsTab.getAttribute('aria-selected'), 'true');
  assert.equal(await settingsTab.evaluate((el) => el === document.activeElement), true, 'focus follows the arrow keys');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getByRole('tab', { name: 'Logs' }).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowRight');
  await page.getByRole('heading', { name: 'Preferences' }).waitFor();
  assert.match((await page.getByTestId('quit-explain').textContent()) ?? '', /keeps serving/);
  await page.getByRole('radio', { name: 'Stop the gateway' }).check();
  await page.getByTestId('quit-explain').getByText(/stops the gateway container first/).waitFor();

  await page.emulateMedia({ colorScheme: 'dark' });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await background(), 'rgb(13, 17, 23)', 'the system dark mode is followed');
  await page.getByLabel('Theme').selectOption('light');
  await waitFor(async () => (await background()) === 'rgb(255, 255, 255)', { timeoutMs: 10_000, what: 'the light theme to override the system' });
  await page.getByLabel('Theme').selectOption('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await waitFor(async () => (await background()) === 'rgb(13, 17, 23)', { timeoutMs: 10_000, what: 'the dark theme setting' });
  await screenshot('settings-dark');
});
