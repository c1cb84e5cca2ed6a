import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAppAsset, serveAppRequest } from '../../src/shell/app-protocol.ts';
import { APP_INDEX_URL, isAppUrl } from '../../src/shell/app-url.ts';
import { APP_CSP, withCsp } from '../../src/shell/csp.ts';
import { StatusWindow } from '../../src/shell/status-window.ts';
import { installSecurityRestrictions, secureWebPreferences } from '../../src/shell/window-security.ts';
import { createFakeElectron, type FakeBrowserWindow } from '../helpers/fake-electron.ts';

function hardenedApp() {
  const fake = createFakeElectron();
  const blocked: string[] = [];
  installSecurityRestrictions(fake.app, (m) => blocked.push(m));
  return { fake, blocked };
}

function assertHardened(win: FakeBrowserWindow): void {
  const wc = win.webContents;
  assert.equal(wc.navigate(`${APP_INDEX_URL}#/settings`), true, 'the app may move between its own pages');
  assert.equal(wc.navigate('https://evil.example/'), false, 'navigation away is stopped');
  assert.equal(wc.navigate('file:///etc/passwd'), false);
  assert.equal(wc.navigate('gateway-tray://other/index.html'), false, 'another host on our scheme is not ours');
  assert.equal(wc.navigate('https://evil.example/', 'will-redirect'), false, 'redirects away are stopped');
  assert.equal(wc.openWindow('https://evil.example/'), 'deny');
  assert.equal(wc.openWindow(APP_INDEX_URL), 'deny', 'the app opens no windows at all');
  assert.equal(wc.attachWebview(), false, '<webview> is refused');
}

test('every window created after the hook is hardened, through the one web-contents-created hook', () => {
  const { fake, blocked } = hardenedApp();
  const first = fake.createWindow({ webPreferences: secureWebPreferences('/app/dist/preload.cjs') }) as FakeBrowserWindow;
  const second = fake.createWindow({}) as FakeBrowserWindow;
  assertHardened(first);
  assertHardened(second);
  assert.ok(blocked.some((m) => m.includes('https://evil.example/')), 'blocked attempts are logged');
});

test('the session refuses every permission and sets the strict CSP on the app pages only', () => {
  const { fake } = hardenedApp();
  fake.createWindow({});
  const session = fake.defaultSession;
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
    assert.equal(session.requestPermission(permission), false, permission);
  }
  assert.equal(session.permissionCheckHandler?.(null, 'media', 'gateway-tray://app', {}), false);

  const app = session.receiveHeaders(APP_INDEX_URL, { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] });
  assert.deepEqual(app?.responseHeaders?.['Content-Security-Policy'], [APP_CSP], 'our CSP replaces any other');
  assert.equal(app?.responseHeaders?.['content-security-policy'], undefined);
  assert.deepEqual(app?.responseHeaders?.['X-Other'], ['1']);
  const other = session.receiveHeaders('https://example.com/', { 'X-Other': ['1'] });
  assert.deepEqual(other, {}, 'other responses pass through unchanged');
});

test('the CSP allows no inline script, no eval and no remote origin', () => {
  assert.match(APP_CSP, /default-src 'none'/);
  assert.match(APP_CSP, /script-src 'self'(;|$)/);
  assert.doesNotMatch(APP_CSP, /unsafe-inline|unsafe-eval|https?:|\*/);
  assert.deepEqual(withCsp(undefined), { 'Content-Security-Policy': [APP_CSP] });
});

test('windows are created with contextIsolation, sandbox, no nodeIntegration and webSecurity on', () => {
  const { fake } = hardenedApp();
  const win = new StatusWindow({ createWindow: fake.createWindow, preload: '/app/dist/preload.cjs', url: APP_INDEX_URL, trayAvailable: () => true, quitting: () => false, quit: () => {} });
  win.ensure(false);
  const prefs = fake.windows[0]!.options.webPreferences!;
  assert.deepEqual(
    { contextIsolation: prefs.contextIsolation, sandbox: prefs.sandbox, nodeIntegration: prefs.nodeIntegration, webSecurity: prefs.webSecurity, webviewTag: prefs.webviewTag, allowRunningInsecureContent: prefs.allowRunningInsecureContent, nodeIntegrationInSubFrames: prefs.nodeIntegrationInSubFrames, preload: prefs.preload },
    { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, nodeIntegrationInSubFrames: false, preload: '/app/dist/preload.cjs' },
  );
  assert.deepEqual(fake.windows[0]!.calls, [`loadURL ${APP_INDEX_URL}`], 'a hidden start loads the page but shows nothing');
  assertHardened(fake.windows[0]!);
});

test('isAppUrl accepts only gateway-tray://app, without credentials or port', () => {
  assert.equal(isAppUrl('gateway-tray://app/index.html'), true);
  assert.equal(isAppUrl('gateway-tray://app/assets/x.js?v=1#top'), true);
  for (const bad of ['gateway-tray://app.evil/index.html', 'gateway-tray://app:80/', 'gateway-tray://user@app/', 'https://app/', 'file:///index.html', 'about:blank', '', undefined, null, 'not a url']) {
    assert.equal(isAppUrl(bad), false, String(bad));
  }
});

test('the app protocol serves the renderer build, never a file outside it, always with the CSP', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gt-renderer-'));
  try {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, '..', `secret-${process.pid}.txt`), 'secret');
    const fake = createFakeElectron();
    fake.protocol.handle('gateway-tray', (req) => serveAppRequest(root, req));

    const index = await fake.protocol.fetch('gateway-tray://app/');
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('content-security-policy'), APP_CSP);
    assert.match(await index.text(), /assets\/app\.js/);
    const js = await fake.protocol.fetch('gateway-tray://app/assets/app.js');
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await js.text(), 'console.log(1)');
    const route = await fake.protocol.fetch('gateway-tray://app/dashboard');
    assert.match(await route.text(), /doctype/, 'client-side routes get index.html');

    for (const escape of [`gateway-tray://app/..%2fsecret-${process.pid}.txt`, `gateway-tray://app/%2e%2e/secret-${process.pid}.txt`, `gateway-tray://app/../secret-${process.pid}.txt`]) {
      const res = await fake.protocol.fetch(escape);
      assert.equal(res.status, 404, escape);
      assert.equal(res.headers.get('content-security-policy'), APP_CSP);
    }
    assert.equal((await fake.protocol.fetch('gateway-tray://app/assets/missing.js')).status, 404);
    assert.equal((await fake.protocol.fetch('gateway-tray://other/index.html')).status, 404);
    assert.equal(resolveAppAsset(root, 'gateway-tray://app/a%00b.js'), null);
    const post = await serveAppRequest(root, new Request('gateway-tray://app/index.html', { method: 'POST', body: 'x' }));
    assert.equal(post.status, 405);
  } finally {
    rmSync(join(root, '..', `secret-${process.pid}.txt`), { force: true });
    rmSync(root, { recursive: true, force: true });
  }
});
