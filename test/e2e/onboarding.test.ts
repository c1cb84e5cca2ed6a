/**
 * End to end, as a user would: Debian's Chromium (through playwright-core) drives the real renderer
 * served by `gateway-tray ui --web`, against the real dockerd, the stand-in gateway image, a real etcd
 * and the embedded control plane started by that command. Onboarding (field checks, ports in use and
 * the next free one, a launch that names every busy port) → launch → the dashboard with its charts →
 * routes (the loopback warning, a failing upstream, confirmations) → logs → components → settings →
 * stop → a stale tab after `ui --web` restarts. Every screen is shot at 1100×760 and 420 px wide, light
 * and dark, into test/artifacts/e2e/; no page may have an unnamed control or a CSP violation.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { launchChromium, launchChromiumPage } from '../helpers/browser.ts';
import { LOCAL_REGISTRY, STANDIN_IMAGE, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { startEtcd, type RunningEtcd } from '../helpers/etcd.ts';
import { buildRenderer, REPO, startUiWeb, stopUiWebReporting, type UiProcess } from '../helpers/ui-web.ts';
import { NARROW, shootVariants, unnamedControls, WIDE } from '../helpers/ui-shots.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SHOTS = join(REPO, 'test/artifacts/e2e');
/**
 * The stand-in under its own tag in the local registry, absent from the daemon when the launch starts, so
 * that the launch really pulls it (with progress) from 127.0.0.1:5000 and never from the internet.
 */
const PULL_IMAGE = `${LOCAL_REGISTRY}/gateway-tray/apisix-standin:e2e-pull`;
const LONG = 180_000;
const PULL_RUN = testRunId('e2e-pull');
// Random bytes do not compress: the new layer is a real download of this size.
const PULL_LAYER_BYTES = 8 * 1024 * 1024;

let docker: Docker;
let etcd: RunningEtcd;
let home: string;
let ui: UiProcess;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let upstream: Server;
let upstreamUrl: string;
const ports = { proxyHttp: 0, proxyHttps: 0, control: 0, prometheus: 0 };
let bridge: string;
let shot = 0;
const cspViolations: string[] = [];

/** Every screen: its four screenshots, and no control without an accessible name. */
async function screenshot(name: string): Promise<void> {
  shot += 1;
  await shootVariants(page, SHOTS, `${String(shot).padStart(2, '0')}-${name}`);
  assert.deepEqual(await unnamedControls(page), [], `every control on "${name}" has an accessible name`);
}

/**
 * With toasts showing, scrolled to the end, no card is under the toast stack: the page keeps room for
 * it below its content. Checked at both widths; the page is left wide and at the top.
 */
async function assertToastsHideNothing(what: string): Promise<void> {
  await page.getByTestId('toast').first().waitFor();
  for (const size of [WIDE, NARROW]) {
    await page.setViewportSize(size);
    const r = await page.evaluate(
      () =>
        new Promise<{ stackTop: number; contentBottom: number; toasts: number }>((resolve) => {
          window.scrollTo(0, document.documentElement.scrollHeight);
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const stack = document.querySelector('[data-testid="toast-stack"]')!.getBoundingClientRect();
              const bottoms = Array.from(document.querySelectorAll('.card, .wizard')).map((el) => el.getBoundingClientRect().bottom);
              resolve({ stackTop: stack.top, contentBottom: Math.max(...bottoms), toasts: document.querySelectorAll('[data-testid="toast"]').length });
            }),
          );
        }),
    );
    assert.ok(r.toasts > 0, `${what}: a toast shows`);
    assert.ok(r.contentBottom <= r.stackTop, `${what} at ${size.width} px: the last card ends at ${r.contentBottom}, above the toasts at ${r.stackTop}`);
  }
  await page.setViewportSize(WIDE);
  await page.evaluate(() => window.scrollTo(0, 0));
}

async function listenOn(port: number): Promise<ReturnType<typeof createNetServer>> {
  const server = createNetServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
const closeServer = (server: { close: (cb: () => void) => unknown }) => new Promise<void>((resolve) => server.close(() => resolve()));

async function nav(section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: section }).click();
  await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'page-title', { timeoutMs: 5000, what: `focus on the ${section} title` });
}

async function untagPullImage(): Promise<void> {
  await docker
    .getImage(PULL_IMAGE)
    .remove({ noprune: true })
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err;
    });
}

/**
 * The stand-in plus one layer of random bytes found nowhere else, pushed under our own tag and removed
 * locally: the launch's pull then really downloads that layer, and shows it as a row of its own.
 */
async function pushPullImage(): Promise<void> {
  const [repo, tag] = [PULL_IMAGE.slice(0, PULL_IMAGE.lastIndexOf(':')), PULL_IMAGE.slice(PULL_IMAGE.lastIndexOf(':') + 1)];
  const engine = new DockerEngine({ protocol: 'unix', url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' });
  const c = await engine.createContainer({ image: STANDIN_IMAGE, instanceId: PULL_RUN, profile: PULL_RUN, labels: { [TEST_LABEL]: PULL_RUN } });
  try {
    await engine.copyFilesIn(c.id, '/opt/e2e-layer', [{ name: 'random.bin', content: randomBytes(PULL_LAYER_BYTES) }], { folderOwner: { uid: 0, gid: 0 } });
    await docker.getContainer(c.id).commit({ repo, tag });
  } finally {
    await engine.removeContainer(c.id);
  }
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
  await buildRenderer();
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
  bridge = await bridgeGatewayAddress(docker);
  upstream = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from the e2e upstream: ${req.url}`));
  await new Promise<void>((resolve) => upstream.listen(0, bridge, resolve));
  upstreamUrl = `http://${bridge}:${(upstream.address() as { port: number }).port}`;
  etcd = await startEtcd();
  home = await mkdtemp(join(tmpdir(), 'gt-e2e-home-'));
  ui = await startUiWeb(['--etcd', etcd.url], { ...process.env, GATEWAY_TRAY_HOME: home });
  ({ browser, page } = await launchChromiumPage(WIDE));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to (apply|load|execute)/i.test(msg.text())) cspViolations.push(msg.text());
  });
});

after(async () => {
  await browser?.close();
  await stopUiWebReporting(ui);
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
  assert.equal(await page.getByRole('list', { name: 'Setup steps' }).locator('[aria-current="step"]').textContent(), '1Docker — current step');
  await screenshot('wizard-engine');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
});

test('the control-plane step checks each field, says what to do beside it, and Next stays Next', async () => {
  await page.getByText('Step 2 of 5: Control plane').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-title', 'focus moves to the new step');
  assert.equal(await page.getByRole('radio', { name: /^Local/ }).isChecked(), true);
  await page.getByRole('radio', { name: /^Cloud/ }).check();
  await page.getByLabel('Profile name').fill('My Team');
  await page.getByLabel('Control-plane address').fill('not a url');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByTestId('error-token').filter({ hasText: 'Paste the access token.' }).waitFor();
  assert.match((await page.getByTestId('error-name').textContent()) ?? '', /^A profile name is 1 to 32 lowercase letters/);
  assert.equal(await page.getByTestId('error-apiUrl').textContent(), 'A control-plane address is a URL such as https://cp.example.com.');
  assert.equal(await page.getByTestId('error-token').textContent(), 'Paste the access token.');
  assert.equal(await page.getByLabel('Control-plane address').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0, 'no Retry in place of Next');
  assert.equal(await page.getByRole('button', { name: 'Next', exact: true }).count(), 1);
  assert.equal(await page.getByText(/Invalid argument|Please match/).count(), 0);
  await screenshot('wizard-control-plane-errors');
  await page.getByRole('radio', { name: /^Local/ }).check();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
});

test('the ports step checks each port for use and offers the next free one', async () => {
  await page.getByText('Step 3 of 5: Ports and image').waitFor();
  const squatter = await listenOn(ports.proxyHttp);
  try {
    await page.getByLabel('Gateway HTTPS port').fill(String(ports.proxyHttps));
    await page.getByLabel('Control API port').fill(String(ports.control));
    await page.getByLabel('Prometheus port').fill('70000');
    await page.getByLabel('Gateway HTTP port').fill(String(ports.proxyHttp));
    await page.getByLabel('Gateway image').fill(PULL_IMAGE);
    assert.equal(await page.getByTestId('port-msg-prometheus').textContent(), 'Enter a whole number from 1 to 65535.');
    await page.getByLabel('Prometheus port').fill(String(ports.control));
    assert.equal(await page.getByTestId('port-msg-prometheus').textContent(), 'Same as the Control API port: each port must differ.');
    await page.getByLabel('Prometheus port').fill(String(ports.prometheus));
    await page.getByTestId('port-msg-proxyHttp').filter({ hasText: `Port ${ports.proxyHttp} is in use by another program` }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next', exact: true }).isDisabled(), true, 'a port in use cannot be saved');
    await screenshot('wizard-ports-in-use');
    const next = page.getByTestId('port-next-proxyHttp');
    const suggested = Number(/\((\d+)\)/.exec((await next.textContent()) ?? '')?.[1]);
    assert.ok(suggested > 0 && !Object.values(ports).includes(suggested));
    await next.click();
    assert.equal(await page.getByLabel('Gateway HTTP port').inputValue(), String(suggested));
    ports.proxyHttp = suggested;
    await page.getByTestId('port-msg-proxyHttp').filter({ hasText: 'Free.' }).waitFor();
  } finally {
    await closeServer(squatter);
  }
  for (const k of ['proxyHttps', 'control', 'prometheus']) await page.getByTestId(`port-msg-${k}`).filter({ hasText: 'Free.' }).waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByText('Step 4 of 5: Launch').waitFor();
});

test('a launch that finds several ports in use names all of them and offers the ports step', async () => {
  // Other processes on two of the chosen ports: a real failure, produced on demand.
  const squatters = [await listenOn(ports.proxyHttp), await listenOn(ports.proxyHttps)];
  try {
    await page.getByRole('button', { name: 'Launch the gateway' }).click();
    const alert = page.getByTestId('launch-error');
    await alert.getByText('The launch failed at "Pre-flight checks"').waitFor({ timeout: LONG });
    assert.equal(await page.locator('[data-stage="preflight"]').getAttribute('data-state'), 'failed');
    await page.getByTestId('busy-ports').locator('li').nth(1).waitFor();
    const busy = (await page.getByTestId('busy-ports').textContent()) ?? '';
    assert.match(busy, new RegExp(`Gateway HTTP port: Port ${ports.proxyHttp} is in use`));
    assert.match(busy, new RegExp(`Gateway HTTPS port: Port ${ports.proxyHttps} is in use`));
    await screenshot('wizard-launch-failed');
    await page.getByRole('button', { name: 'Back to the ports step' }).click();
    await page.getByText('Step 3 of 5: Ports and image').waitFor();
  } finally {
    for (const s of squatters) await closeServer(s);
  }
  for (const k of ['proxyHttp', 'proxyHttps']) await page.getByTestId(`port-msg-${k}`).filter({ hasText: 'Free.' }).waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
});

test('launch shows its stages with icons and durations, the pull with bytes and layers, and ends running', async () => {
  await page.getByRole('button', { name: 'Launch the gateway' }).click();
  await page.locator('[data-stage="container"][data-state="done"]').waitFor({ timeout: LONG });
  await page.getByText(/^The gateway runs \(container [0-9a-f]{12}\); the launch took .+\.$/).waitFor({ timeout: LONG });
  for (const stage of ['preflight', 'resolve', 'certificate', 'files', 'image', 'container', 'register']) {
    const row = page.locator(`[data-stage="${stage}"]`);
    assert.equal(await row.getAttribute('data-state'), 'done', `stage ${stage} is done`);
    assert.match((await row.locator('.stage-time').textContent()) ?? '', /^\d+(\.\d)? (ms|s)$|min/, `stage ${stage} shows how long it took`);
  }
  assert.equal(await page.getByText('Pulling the image: 100%').count(), 1, 'the pull progress was shown');
  assert.equal(await page.locator('progress#pull-progress').getAttribute('value'), '100');
  assert.match((await page.getByTestId('pull-bytes').textContent()) ?? '', /^\d+(\.\d+)? (B|kB|MB|GB) of \d+(\.\d+)? (B|kB|MB|GB)$/);
  assert.match((await page.getByTestId('pull-layers').textContent()) ?? '', /^layers \d+\/\d+$/);
  // A row per layer that came over the network: the stand-in's own layers were already here and are one count.
  const rows = page.getByTestId('pull-layer-rows').locator('tbody tr');
  assert.equal(await rows.count(), 1, 'one row: the one new layer');
  assert.equal(await rows.first().getAttribute('data-state'), 'done');
  assert.match((await rows.first().textContent()) ?? '', /^[0-9a-f]{12}done.*(\d+(\.\d+)? MB) of \1$/);
  assert.match((await page.getByTestId('pull-layers-present').textContent()) ?? '', /^Layers already on this machine: \d+\.$/);
  assert.match((await page.getByTestId('pull-rate').textContent()) ?? '', /^at \d+(\.\d+)? (B|kB|MB|GB)\/s on average$/, 'the speed of the pull');
  assert.equal(await page.locator('.stages').getByText(/^(container|image|preflight)$/).count(), 0, 'no raw stage ids');
  await screenshot('wizard-launched');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByTestId('heartbeat-received').waitFor({ timeout: LONG });
  await screenshot('wizard-first-heartbeat');
  await page.getByRole('button', { name: 'Open the dashboard' }).click();
});

test('the dashboard: Healthy in the header pill, ids with copy buttons beside them, the real ports, charts', async () => {
  await page.locator('[data-testid="gateway-state"][data-state="healthy"]').waitFor({ timeout: LONG });
  assert.equal(await page.getByTestId('gateway-state').textContent(), 'Healthy');
  assert.equal(await page.getByTestId('state-pill').textContent(), 'Healthy');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Dashboard');
  const instanceId = readInstanceId(home, 'local');
  assert.ok(instanceId);
  assert.equal(await page.getByTestId('instance-id').textContent(), instanceId);
  assert.match((await page.getByTestId('container-id').textContent()) ?? '', /^[0-9a-f]{12}$/);
  assert.equal(await page.getByTestId('curl-line').textContent(), `curl -i http://127.0.0.1:${ports.proxyHttp}/`);
  // The copy button sits on the value's line, to its right.
  const value = (await page.getByTestId('curl-line').boundingBox())!;
  const copy = (await page.getByRole('button', { name: 'Copy Try it' }).boundingBox())!;
  assert.ok(copy.x >= value.x + value.width - 1 && copy.y < value.y + value.height && copy.y + copy.height > value.y, 'Copy is beside its value');
  const ageBefore = await page.getByTestId('heartbeat-age').textContent();
  await waitFor(async () => (await page.getByTestId('heartbeat-age').textContent()) !== ageBefore, { timeoutMs: 15_000, what: 'the heartbeat age to tick' });
  assert.match((await page.getByTestId('heartbeat-age').getAttribute('title')) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'the absolute time on hover');
  await page.getByTestId('chart-heartbeats').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('chart-heartbeats').locator('canvas').count(), 1);
  assert.match((await page.getByTestId('chart-heartbeats').locator('[role="img"]').getAttribute('aria-label')) ?? '', /heartbeats; the last at/);
  await page.getByTestId('cert-life').filter({ hasText: /days left/ }).waitFor();
  await screenshot('dashboard-healthy');
});

test('routes: how a container reaches the host, a loopback warning, per-field errors, applied and served', async () => {
  await nav('Routes');
  await page.getByText('No routes yet.').waitFor();
  assert.match((await page.getByTestId('reach-host').textContent()) ?? '', /host\.docker\.internal.*listen on an address the container can reach/);
  await page.getByLabel('Path').fill('hello');
  await page.getByLabel('Upstream').fill('127.0.0.1:8080');
  assert.match((await page.getByTestId('upstream-warning').textContent()) ?? '', /the gateway container itself/);
  await page.getByRole('button', { name: 'Add route' }).click();
  await page.getByTestId('error-path').filter({ hasText: 'A path starts with "/".' }).waitFor();
  await screenshot('routes-form-errors');
  await page.getByLabel('Path').fill('/e2e-hello');
  await page.getByLabel('Upstream').fill(upstreamUrl);
  assert.equal(await page.getByTestId('upstream-warning').count(), 0);
  await page.getByRole('button', { name: 'Add route' }).click();
  await page.getByTestId('toast').filter({ hasText: 'Route /e2e-hello added' }).first().waitFor();
  const row = page.locator('tr[data-path="/e2e-hello"]');
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
});

test('a route whose upstream fails shows that it fails, not just "applied"', async () => {
  const closed = await freePort();
  await page.getByLabel('Path').fill('/e2e-broken');
  await page.getByLabel('Upstream').fill(`http://${bridge}:${closed}`);
  await page.getByRole('button', { name: 'Add route' }).click();
  const row = page.locator('tr[data-path="/e2e-broken"]');
  await row.locator('[data-applied="applied"]').waitFor({ timeout: 60_000 });
  await waitFor(
    async () => {
      if ((await row.locator('[data-failing="true"]').count()) > 0) return true;
      await row.getByRole('button', { name: 'Check route /e2e-broken again' }).click();
      return false;
    },
    { timeoutMs: 30_000, intervalMs: 1000, what: 'the broken route to show as failing' },
  );
  assert.match((await row.getByTestId('route-applied').textContent()) ?? '', /^Upstream fails \(50[234]\)$/);
  assert.equal(await page.locator('tr[data-path="/e2e-hello"] [data-failing="true"]').count(), 0, 'the working route is not failing');
  await screenshot('routes');
});

test('removing a route asks first: Escape keeps it, Enter removes it', async () => {
  await page.getByRole('button', { name: 'Remove route /e2e-broken' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove the route /e2e-broken?' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Remove', 'the dialog takes the focus');
  await screenshot('routes-confirm-remove');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('tr[data-path="/e2e-broken"]').count(), 1, 'Escape removed nothing');
  await page.getByRole('button', { name: 'Remove route /e2e-broken' }).click();
  await dialog.waitFor();
  await page.keyboard.press('Enter');
  await page.locator('tr[data-path="/e2e-broken"]').waitFor({ state: 'detached', timeout: 60_000 });
  await page.getByRole('button', { name: 'Remove route /e2e-hello' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
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

test("the dashboard charts requests per minute and status codes from the control plane's metrics", async () => {
  await nav('Dashboard');
  // The routes above sent requests (200s, and 502s through the broken one); the record counts them.
  await page.getByTestId('chart-requests').waitFor({ timeout: 90_000 });
  await page.getByTestId('chart-status').waitFor({ timeout: 90_000 });
  assert.match((await page.getByTestId('chart-status').locator('[role="img"]').getAttribute('aria-label')) ?? '', /^Requests by status class: 2xx \d+, 3xx \d+, 4xx \d+, 5xx \d+\.$/);
  // Hovering the chart shows the values under the cursor in its legend.
  const over = page.getByTestId('chart-requests').locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
  await waitFor(async () => /\d+(\.\d)? req\/min/.test((await page.getByTestId('chart-requests').locator('.u-legend').textContent()) ?? ''), { timeoutMs: 5000, what: 'the hover value in the legend' });
  await screenshot('dashboard-traffic');
});

test('the logs page follows the gateway log and explains the lines marked "!"', async () => {
  await nav('Logs');
  const log = page.getByRole('log');
  await waitFor(async () => ((await log.textContent()) ?? '').length > 0, { timeoutMs: 30_000, what: 'log lines' });
  assert.match((await page.getByTestId('stderr-legend').textContent()) ?? '', /marked with ! came from the gateway’s standard error/);
  await screenshot('logs');
});

test('the components page shows Docker, the control plane, etcd and the gateway', async () => {
  await nav('Components');
  assert.equal(await page.locator('[data-component]').count(), 4);
  assert.match((await page.locator('[data-component="gateway"]').textContent()) ?? '', new RegExp(`http ${ports.proxyHttp}`));
  await screenshot('components');
});

test('settings: profiles are added with per-field checks and removed after a confirmation', async () => {
  await nav('Settings');
  await page.getByRole('heading', { name: 'Profiles', exact: true }).waitFor();
  await page.getByLabel('Kind').selectOption('local');
  await page.getByLabel('Profile name').fill('Second One');
  await page.getByRole('button', { name: 'Add a profile' }).click();
  await page.getByTestId('error-name').filter({ hasText: /^A profile name is 1 to 32 lowercase letters/ }).waitFor();
  await page.getByLabel('Profile name').fill('second');
  await page.getByRole('button', { name: 'Add a profile' }).click();
  await page.getByTestId('toast').filter({ hasText: 'Profile second added.' }).first().waitFor();
  await page.getByLabel('Profile name').fill('local');
  await page.getByRole('button', { name: 'Add a profile' }).click();
  await page.getByTestId('error-name').filter({ hasText: 'A profile named "local" already exists' }).waitFor();
  assert.match((await page.locator('[data-profile="local"]').textContent()) ?? '', new RegExp(`HTTP port ${ports.proxyHttp}`), 'the existing profile keeps its ports');
  await page.locator('[data-profile="second"]').waitFor();
  await screenshot('settings-profiles');
  await page.getByRole('button', { name: 'Remove profile second' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove profile second?' });
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /If its gateway runs, it is stopped and its container removed/);
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await page.getByTestId('toast').filter({ hasText: 'Profile second removed.' }).first().waitFor();
  await page.locator('[data-profile="second"]').waitFor({ state: 'detached' });
});

test('re-adding a removed profile starts from its ports and image, and says so', async () => {
  // A profile with ports and an image of its own, written to the same home (as the CLI would add it).
  const own = { proxyHttp: 29180, proxyHttps: 29543, control: 29190, prometheus: 29191 };
  new ProfileStore({ home }).add({ name: 'third', kind: 'local', image: PULL_IMAGE, ports: own });
  await nav('Dashboard');
  await nav('Settings');
  await page.locator('[data-profile="third"]').filter({ hasText: 'HTTP port 29180' }).waitFor();
  await page.getByRole('button', { name: 'Remove profile third' }).click();
  await page.getByRole('dialog', { name: 'Remove profile third?' }).getByRole('button', { name: 'Remove' }).click();
  await page.locator('[data-profile="third"]').waitFor({ state: 'detached' });
  await page.getByLabel('Kind').selectOption('local');
  await page.getByLabel('Profile name').fill('third');
  const note = page.locator('[data-testid="recalled-profile"][data-source="removed"]');
  await note.waitFor();
  assert.match((await note.textContent()) ?? '', /A profile named "third" was removed \d+ s ago\./);
  assert.equal(
    await page.getByTestId('recalled-settings').textContent(),
    `It had HTTP 29180, HTTPS 29543, Control API 29190, Prometheus 29191 and the image ${PULL_IMAGE}.`,
  );
  assert.equal(await page.getByTestId('recall-restore').isChecked(), true, 'starting from them is the default');
  await screenshot('settings-readd-profile');
  await page.getByRole('button', { name: 'Add a profile' }).click();
  await page.getByTestId('toast').filter({ hasText: 'Profile third added.' }).first().waitFor();
  await page.locator('[data-profile="third"]').filter({ hasText: `HTTP port 29180 · ${PULL_IMAGE}` }).waitFor();
  assert.deepEqual(new ProfileStore({ home }).get('third').ports, own, 'all four ports came back, not the defaults');
  await page.getByRole('button', { name: 'Remove profile third' }).click();
  await page.getByRole('dialog', { name: 'Remove profile third?' }).getByRole('button', { name: 'Remove' }).click();
  await page.locator('[data-profile="third"]').waitFor({ state: 'detached' });
  // Unticked, the same name starts from the defaults.
  await page.getByLabel('Profile name').fill('third');
  await page.getByTestId('recall-restore').uncheck();
  await page.getByRole('button', { name: 'Add a profile' }).click();
  await page.locator('[data-profile="third"]').filter({ hasText: 'HTTP port 9080' }).waitFor();
  await page.getByRole('button', { name: 'Remove profile third' }).click();
  await page.getByRole('dialog', { name: 'Remove profile third?' }).getByRole('button', { name: 'Remove' }).click();
  await page.locator('[data-profile="third"]').waitFor({ state: 'detached' });
});

test("settings: a running gateway's port edit applies at the next launch, and the dashboard keeps the real port", async () => {
  await page.getByRole('tab', { name: 'Gateway' }).click();
  const moved = await freePort();
  await page.getByLabel('Gateway HTTP port').fill(String(moved));
  await page.getByTestId('next-launch-note').waitFor();
  await page.getByTestId('port-msg-proxyHttp').filter({ hasText: 'Free.' }).waitFor();
  await screenshot('settings-gateway');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('toast').filter({ hasText: 'The running gateway keeps its ports until the next launch' }).first().waitFor();
  await nav('Dashboard');
  assert.equal(await page.getByTestId('curl-line').textContent(), `curl -i http://127.0.0.1:${ports.proxyHttp}/`, 'Try it points at the published port');
});

test('settings say which preferences only the desktop app acts on', async () => {
  await nav('Settings');
  await page.getByRole('tab', { name: 'Profiles' }).focus();
  await page.keyboard.press('End');
  assert.equal(await page.getByRole('tab', { name: 'Preferences' }).getAttribute('aria-selected'), 'true');
  await page.getByTestId('desktop-only').first().waitFor();
  assert.match((await page.getByRole('heading', { name: /Desktop app/ }).textContent()) ?? '', /desktop app only/);
  await screenshot('settings-preferences');
});

test('restart from the dashboard asks first: Escape keeps it serving, Enter restarts it', async () => {
  await nav('Dashboard');
  await page.locator('[data-testid="gateway-state"][data-state="healthy"]').waitFor({ timeout: LONG });
  const actions = page.getByRole('group', { name: 'Gateway actions' });
  await actions.getByRole('button', { name: 'Restart' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restart the gateway of profile local?' });
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /Requests in flight are dropped/);
  await screenshot('dashboard-confirm-restart');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.getByTestId('gateway-state').getAttribute('data-state'), 'healthy', 'Escape restarted nothing');
  await actions.getByRole('button', { name: 'Restart' }).click();
  await dialog.waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('toast').filter({ hasText: 'The gateway was restarted.' }).first().waitFor({ timeout: LONG });
  await page.locator('[data-testid="gateway-state"][data-state="healthy"]').waitFor({ timeout: LONG });
});

test('stop from the dashboard asks first, then shows Stopped with what to do next', async () => {
  await nav('Dashboard');
  await page.getByRole('group', { name: 'Gateway actions' }).getByRole('button', { name: 'Stop' }).click();
  await page.getByRole('dialog', { name: /Stop the gateway of profile local/ }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="gateway-state"][data-state="stopped"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('empty-state').filter({ hasText: 'The gateway is stopped' }).waitFor();
  // First, while the Stop's toast still shows (5 s): on a loaded machine the checks below outlast it.
  await assertToastsHideNothing('the dashboard after Stop');
  assert.equal(await page.getByTestId('gateway-state').textContent(), 'Stopped');
  const containers = await docker.listContainers({ filters: { label: [`${LABEL_INSTANCE_ID}=${readInstanceId(home, 'local')}`] } });
  assert.equal(containers.length, 0, 'no running container of this instance is left');
  await screenshot('dashboard-stopped');
});

test('a launch that fails for a port in use says so on the dashboard, and its button opens the ports with the next free one', async () => {
  // The port saved in the settings test above: the one the next launch publishes.
  const saved = new ProfileStore({ home }).get('local').ports.proxyHttp;
  const squatter = await listenOn(saved);
  try {
    await page.getByRole('group', { name: 'Gateway actions' }).getByRole('button', { name: 'Launch' }).click();
    const reason = page.locator('[data-testid="reason"][data-reason="port-in-use"]');
    await reason.waitFor({ timeout: LONG });
    assert.match((await reason.getByTestId('reason-message').textContent()) ?? '', /^A port the gateway publishes is taken/);
    assert.match((await reason.getByTestId('reason-detail').textContent()) ?? '', new RegExp(String(saved)));
    await screenshot('dashboard-reason-port-in-use');
    await assertToastsHideNothing('the dashboard after a failed launch');
    await reason.getByRole('button', { name: 'Choose other ports' }).click();
    await page.getByRole('tab', { name: 'Gateway' }).and(page.locator('[aria-selected="true"]')).waitFor();
    await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'port-proxyHttp', { timeoutMs: 5000, what: 'focus on the HTTP port' });
    await page.getByTestId('port-msg-proxyHttp').filter({ hasText: `Port ${saved} is in use by another program` }).waitFor();
    await page.getByTestId('port-next-proxyHttp').waitFor();
  } finally {
    await closeServer(squatter);
  }
  await nav('Dashboard');
});

test('keyboard: focus follows the sidebar; the theme setting overrides the system', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Logs' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'page-title');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Logs');
  await nav('Settings');
  await page.getByRole('tab', { name: 'Preferences' }).click();
  await page.emulateMedia({ colorScheme: 'dark' });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await background(), 'rgb(13, 17, 23)', 'the system dark mode is followed');
  await page.getByLabel('Theme').selectOption('light');
  await waitFor(async () => (await background()) === 'rgb(245, 246, 248)', { timeoutMs: 10_000, what: 'the light theme to override the system' });
  await page.getByLabel('Theme').selectOption('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await waitFor(async () => (await background()) === 'rgb(13, 17, 23)', { timeoutMs: 10_000, what: 'the dark theme setting' });
  await page.getByLabel('Theme').selectOption('system');
  await waitFor(async () => (await background()) === 'rgb(245, 246, 248)', { timeoutMs: 10_000, what: 'back to the system theme' });
});

test('a toast stays while the pointer is on it or focus is in it, then goes by itself', async () => {
  // A browser of its own, whose clock the test moves: the main page's timers run on the real one.
  const other = await launchChromium();
  try {
    await other.context.clock.install();
    const p = await other.context.newPage();
    p.setDefaultTimeout(30_000);
    await p.setViewportSize(WIDE);
    await p.goto(ui.url);
    await p.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click();
    await p.getByRole('tab', { name: 'Preferences' }).click();
    const saved = p.getByTestId('toast').filter({ hasText: 'Saved' });
    // React renders from a MessageChannel task, which the fake clock does not hold: two more such tasks
    // after a timer has fired mean that a toast closed by it is gone from the page.
    const rendered = () => p.evaluate(async () => {
      for (let i = 0; i < 2; i++) {
        await new Promise<void>((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve();
          channel.port2.postMessage(0);
        });
      }
    });

    await p.getByLabel('Theme').selectOption('dark');
    await saved.waitFor();
    await saved.hover();
    await p.clock.fastForward(20_000);
    await rendered();
    assert.equal(await saved.count(), 1, 'kept while the pointer is on it');
    await p.mouse.move(5, 5);
    await p.clock.fastForward(1_000);
    await rendered();
    assert.equal(await saved.count(), 1, 'a moment after the pointer left, still there to be read');
    await p.clock.fastForward(5_000);
    await saved.waitFor({ state: 'detached' });

    await p.getByLabel('Theme').selectOption('system');
    await saved.waitFor();
    await saved.getByRole('button', { name: 'Dismiss' }).focus();
    await p.clock.fastForward(20_000);
    await rendered();
    assert.equal(await saved.count(), 1, 'kept while focus is on its button');
    await p.keyboard.press('Enter');
    await saved.waitFor({ state: 'detached' });

    // Without a hold it goes after its 5 s, as before.
    await p.getByLabel('Theme').selectOption('dark');
    await saved.waitFor();
    await p.mouse.move(5, 5);
    await p.clock.fastForward(6_000);
    await saved.waitFor({ state: 'detached' });
    await p.getByLabel('Theme').selectOption('system');
  } finally {
    await other.close();
  }
});

test('a stale tab: when ui --web stops the values grey out, and the restarted server’s link reconnects it', async () => {
  await nav('Dashboard');
  const port = Number(new URL(ui.url).port);
  assert.equal(await ui.stop(), 0);
  const banner = page.getByTestId('connection-banner');
  await banner.waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('.shell[data-offline]').count(), 1, 'the values are greyed');
  assert.equal(await page.locator('.content').evaluate((el) => (el as HTMLElement).inert), true, 'the buttons are inert');
  await screenshot('disconnected');
  ui = await startUiWeb(['--etcd', etcd.url, '--port', String(port)], { ...process.env, GATEWAY_TRAY_HOME: home });
  // The same port answers with a new token: this tab's is refused, and the banner asks for the new link.
  await page.locator('[data-testid="connection-banner"][data-state="refused"]').waitFor({ timeout: 30_000 });
  await page.getByLabel('The new link from gateway-tray ui --web').fill(ui.url);
  await page.getByRole('button', { name: 'Use this link' }).click();
  await banner.waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(await page.locator('.shell[data-offline]').count(), 0);
  await page.locator('[data-testid="gateway-state"][data-state="stopped"]').waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the new token is not left in the address bar');
  // Restarted again: the link pasted into the address bar (only the fragment changes) reconnects too.
  assert.equal(await ui.stop(), 0);
  await banner.waitFor({ timeout: 15_000 });
  ui = await startUiWeb(['--etcd', etcd.url, '--port', String(port)], { ...process.env, GATEWAY_TRAY_HOME: home });
  await page.locator('[data-testid="connection-banner"][data-state="refused"]').waitFor({ timeout: 30_000 });
  await page.goto(ui.url);
  await banner.waitFor({ state: 'detached', timeout: 15_000 });
  await page.locator('[data-testid="gateway-state"][data-state="stopped"]').waitFor();
});

test('no page broke the Content Security Policy', () => {
  assert.deepEqual(cspViolations, []);
});
