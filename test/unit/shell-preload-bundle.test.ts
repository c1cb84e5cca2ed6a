import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { INVOKE_NAMES, invokeChannel, type HandlerTable } from '../../src/contract/ipc-contract.ts';
import { APP_INDEX_URL } from '../../src/shell/app-url.ts';
import { registerIpc } from '../../src/shell/ipc.ts';
import { preloadBuildOptions } from '../../scripts/build-preload.ts';
import { FakeIpcMain, FakeIpcRenderer } from '../helpers/fake-electron.ts';

/** The modules Electron's sandboxed preload `require` offers; anything else throws, as it does there. */
const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

test('the bundled preload is CommonJS, requires only electron, and exposes the named API over IPC', async () => {
  const result = await build({ ...preloadBuildOptions, write: false, sourcemap: false, outfile: 'preload.cjs' });
  const code = result.outputFiles.find((f) => f.path.endsWith('preload.cjs'))!.text;
  assert.doesNotMatch(code, /^\s*(import|export)\s/m, 'no ESM syntax survives');

  const main = new FakeIpcMain();
  const handlers = Object.fromEntries(INVOKE_NAMES.map((n) => [n, async (arg: unknown) => ({ from: n, arg: arg ?? null })])) as unknown as HandlerTable;
  registerIpc(main, handlers);
  const ipcRenderer = new FakeIpcRenderer(main, { frameUrl: APP_INDEX_URL });
  const exposed = new Map<string, unknown>();
  const required: string[] = [];
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer };
  const sandboxRequire = (name: string): unknown => {
    required.push(name);
    if (!SANDBOX_MODULES.has(name)) throw new Error(`module not found: ${name}`);
    if (name !== 'electron') throw new Error(`the test has no ${name}`);
    return electron;
  };
  const module = { exports: {} };
  runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });

  assert.deepEqual(required, ['electron']);
  assert.deepEqual([...exposed.keys()], ['gatewayTray']);
  const api = exposed.get('gatewayTray') as Record<string, (arg?: unknown) => Promise<unknown>>;
  assert.deepEqual(Object.keys(api).sort(), [...INVOKE_NAMES, 'on'].sort());
  assert.deepEqual(await api.useProfile!({ name: 'local' }), { from: 'useProfile', arg: { name: 'local' } });
  await assert.rejects(api.useProfile!({ name: 'Not Valid' }), /Invalid argument for useProfile/);
  assert.ok(main.handlers.has(invokeChannel('getStatus')));
});
