/**
 * The tray, the window and `gateway-tray status` render one snapshot, so in one world they agree: state,
 * reasons (code, message, action, cause) and the gateway's address. The world: a real gateway launched
 * from the app with a cloud profile on a real control plane, whose saved HTTP port was edited after the
 * launch (the container still publishes the old one, which is what answers). A second world: the app
 * could not host its local control plane, which the tray must say as the window does.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.ts';
import { createAppService, type AppService } from '../../src/core/app/app-service.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { trayModel } from '../../src/core/tray/tray-model.ts';
import { captureIO } from '../helpers/capture-io.ts';
import { freePort, STANDIN_IMAGE, TEST_LABEL } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts, startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;
let service: AppService;
let env: NodeJS.ProcessEnv;
const caller = { clientId: 'test' };

before(async () => {
  w = await startLaunchWorld('one-snapshot');
  env = { ...process.env, GATEWAY_TRAY_HOME: w.home, DOCKER_HOST: 'unix:///var/run/docker.sock' };
  // The home's own secret store (no store handed in), so the CLI finds the token the app saved.
  service = await createAppService({ env, transport: 'web', hostControlPlane: false, labels: { [TEST_LABEL]: w.run }, pollMs: 1000 });
});
after(async () => {
  await service?.dispose();
  await w?.cleanup();
});

const said = (s: GatewayStatus) => ({ state: s.state, reasons: s.reasons.map((r) => ({ code: r.code, message: r.message, action: r.action, reason: r.reason })) });

test('the tray, the window and `status` (text and --json) show the same state, reasons and address', { timeout: 120_000 }, async () => {
  const ports = await freeProfilePorts();
  await service.handlers.addProfile({ name: 'snap', kind: 'cloud', apiUrl: w.h.cp.apiUrl, token: w.h.token, image: STANDIN_IMAGE, ports }, caller);
  await service.handlers.useProfile({ name: 'snap' }, caller);
  await service.handlers.launch(undefined, caller);
  // A saved edit applies at the next launch; until then the container's published port answers.
  const edited = await freePort();
  await service.handlers.updateProfile({ name: 'snap', ports: { ...ports, proxyHttp: edited } }, caller);
  await waitFor(() => service.currentStatus()?.state === 'healthy', { timeoutMs: 30_000, what: 'healthy in the app' });

  const window = (await service.handlers.getStatus(undefined, caller)).status;
  const tray = service.currentStatus()!;
  const jsonIo = captureIO(env);
  assert.equal(await runCli(['status', '--json'], jsonIo), 0, jsonIo.stderr());
  const cli = JSON.parse(jsonIo.stdout()) as GatewayStatus;
  const textIo = captureIO(env);
  await runCli(['status'], textIo);

  assert.deepEqual(said(tray), said(window), 'tray and window');
  assert.deepEqual(said(cli), said(window), '`status --json` and window');
  assert.equal(window.state, 'healthy');

  // The address: what the container publishes, in all three.
  assert.equal(window.ports?.http, ports.proxyHttp, 'the window shows the published port');
  assert.equal(tray.ports?.http, ports.proxyHttp);
  assert.equal(cli.ports?.http, ports.proxyHttp, '`status --json` shows the published port, not the edited one');
  const copy = trayModel(tray).menu.find((m) => m.id === 'copy-url');
  assert.ok(copy && copy.type === 'action' && copy.label.includes(`127.0.0.1:${ports.proxyHttp}`), `the tray copies the address that answers: ${JSON.stringify(copy)}`);
  assert.equal((await service.handlers.getStatus(undefined, caller)).gatewayUrl, `http://127.0.0.1:${ports.proxyHttp}`);

  // The text is the tray's own lines.
  for (const m of trayModel(window).menu) if (m.type === 'status' && m.id !== 'status-heartbeat') assert.ok(textIo.stdout().includes(m.label), `status text shows "${m.label}"`);
});

test('when the app cannot host its control plane, the tray says so as the window does', { timeout: 60_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), 'gt-host-fails-'));
  const app = await createAppService({ env: { ...env, GATEWAY_TRAY_HOME: home }, transport: 'web', etcdUrl: `http://127.0.0.1:${await freePort()}` });
  try {
    const window = (await app.handlers.getStatus(undefined, caller)).status;
    const tray = await waitFor(() => app.currentStatus(), { what: 'a status for the tray' });
    assert.ok(window.reasons.some((r) => r.code === 'control-plane-unavailable' && r.action === 'retry'), JSON.stringify(window.reasons));
    assert.deepEqual(said(tray), said(window));
    assert.ok(trayModel(tray).menu.some((m) => m.type === 'status' && /control plane did not start/.test(m.label)), 'a tray status line says why');
  } finally {
    await app.dispose();
    await rm(home, { recursive: true, force: true });
  }
});
