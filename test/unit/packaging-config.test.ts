import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
// electron-builder's own schema check (app-builder-lib comes with electron-builder), so a typo in the
// yml fails here rather than on a release machine.
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';

const root = resolve(import.meta.dirname, '../..');

interface BuilderConfig {
  files: string[];
  extraResources: { from: string; to: string; filter?: string[] }[];
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
  publish: unknown;
}

const config = parse(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

test('electron-builder.yml passes electron-builder\'s own schema validation', async () => {
  await validateConfiguration(config as never, new DebugLogger(false));
  await assert.rejects(validateConfiguration({ ...config, linuxx: {} } as never, new DebugLogger(false)), /unknown property 'linuxx'/, 'the check is live');
});

test('electron-builder.yml names AppImage, deb, dmg and nsis', () => {
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac.target, ['dmg']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.equal(config.publish, null, 'a build never uploads');
});

test('the agent and the tray icons ship as extra resources, from folders that exist', () => {
  const agent = config.extraResources.find((r) => r.to === 'agent');
  const tray = config.extraResources.find((r) => r.to === 'tray');
  assert.equal(agent?.from, 'assets/agent');
  assert.equal(tray?.from, 'assets/tray');
  assert.ok(existsSync(resolve(root, 'assets/agent/gateway_tray_agent/hook.lua')), 'the agent hook is where the resources point');
  const pngs = readdirSync(resolve(root, 'assets/tray')).filter((f) => f.endsWith('.png'));
  assert.equal(pngs.length, 6 * 4, 'six states, light and dark, 1x and 2x');
});

test('the packaged files hold the main entry, the CommonJS preload and the renderer build', () => {
  assert.equal(pkg.main, 'dist/main.js');
  assert.ok(config.files.includes('dist/**'));
  assert.ok(config.files.includes('renderer/dist/**'));
  assert.ok(config.files.includes('package.json'));
  assert.match(pkg.scripts.build!, /build:preload/, 'npm run build bundles the preload');
  assert.match(pkg.scripts['build:preload']!, /scripts\/build-preload\.ts/);
  assert.match(pkg.scripts.dist!, /electron-builder --config electron-builder\.yml/);
  // Electron runs on the built app through a starter that explains a missing binary (test/unit/start-electron).
  assert.match(pkg.scripts.start!, /npm run build && tsx scripts\/start-electron\.ts/);
});
