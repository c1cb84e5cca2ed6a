/**
 * Issue 10: "a Cancel button in the UI". In the window (`ui --web` in real Chromium, the onboarding
 * wizard's launch step), against the real dockerd, a real etcd and the control plane `ui --web` hosts:
 * Cancel during the registration wait rolls the launch back (no container, no instance files but the
 * instance id), the window says it was cancelled, and offers to launch again. The gateway runs a silent
 * agent (a test stand-in: the real agent registers too fast to catch), so the launch is sure to be
 * waiting for its first heartbeat when Cancel is clicked.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { launchChromium } from '../helpers/browser.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, ensureStandinImage, testDocker } from '../helpers/docker.ts';
import { startEtcd, type RunningEtcd } from '../helpers/etcd.ts';
import { buildRenderer, startUiWeb, type UiProcess } from '../helpers/ui-web.ts';
import { freeProfilePorts } from './launch-setup.ts';

let home: string;
let etcd: RunningEtcd;
let ui: UiProcess;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'test');

async function ours() {
  const idFile = join(home, 'instances', 'local', 'default', 'instance-id');
  const id = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : undefined;
  return (await engine.findManaged({ profile: 'local' })).filter((c) => id !== undefined && c.labels[LABEL_INSTANCE_ID] === id);
}

function leftFiles(): string[] {
  const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)])) : []);
  return walk(join(home, 'instances', 'local')).filter((f) => !f.endsWith('instance-id'));
}

before(async () => {
  await buildRenderer();
  await ensureStandinImage(await testDocker());
  etcd = await startEtcd();
  home = await mkdtemp(join(tmpdir(), 'gt-audit-ui-cancel-'));
  new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  const silent = join(home, 'silent-agent');
  cpSync(join(import.meta.dirname, '../../assets/agent'), silent, { recursive: true });
  writeFileSync(join(silent, 'gateway_tray_agent', 'agent.lua'), 'return { start = function() end, count_request = function() end }\n');
  ui = await startUiWeb(['--etcd', etcd.url], { ...process.env, GATEWAY_TRAY_HOME: home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`, GATEWAY_TRAY_AGENT_DIR: silent });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  if (home) for (const c of await ours().catch(() => [])) await engine.removeContainer(c.id).catch(() => undefined);
  await etcd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('Cancel in the launch step, while it waits for the first heartbeat: rolled back, said so, and Launch again offered', { timeout: 180_000 }, async () => {
  await page.goto(ui.url);
  for (const step of ['Step 1 of 5', 'Step 2 of 5', 'Step 3 of 5']) {
    await page.getByText(new RegExp(`^${step}`)).waitFor();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
  }
  await page.getByText(/^Step 4 of 5/).waitFor();
  await page.getByRole('button', { name: 'Launch the gateway' }).click();
  await page.locator('[data-stage="container"][data-state="done"]').waitFor({ timeout: 120_000 });
  assert.equal((await ours()).length, 1, 'the launch made its container');
  await page.getByTestId('launch-cancel').click();

  const said = page.getByTestId('reason-message').filter({ hasText: 'The launch was cancelled and what it made was rolled back.' });
  await said.waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('button.primary').filter({ hasText: 'Launch again' }).count(), 1, 'and offers to launch again');
  assert.deepEqual(await ours(), [], 'no container left');
  assert.deepEqual(leftFiles(), [], 'no instance files left but the instance id');
});
