import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  eventChannel,
  INVOKE_NAMES,
  invokeChannel,
  RemoteError,
  type CallerContext,
  type Envelope,
  type HandlerTable,
  type InvokeName,
} from '../../src/contract/ipc-contract.ts';
import { APP_INDEX_URL } from '../../src/shell/app-url.ts';
import { callerIdFor, electronEventSink, registerIpc } from '../../src/shell/ipc.ts';
import { buildPreloadApi } from '../../src/shell/preload-api.ts';
import { createFakeElectron, FakeIpcRenderer, FakeWebContents, FakeSession, type FakeSender } from '../helpers/fake-electron.ts';

interface Call {
  name: InvokeName;
  arg: unknown;
  caller: CallerContext;
}

/** A handler table that records each call and answers with what it got (or throws for `fail`). */
function recordingHandlers(): { handlers: HandlerTable; calls: Call[] } {
  const calls: Call[] = [];
  const table: Record<string, (arg: unknown, caller: CallerContext) => Promise<unknown>> = {};
  for (const name of INVOKE_NAMES) {
    table[name] = async (arg, caller) => {
      calls.push({ name, arg, caller });
      if (name === 'stop') {
        const err = new Error('Docker is not running: start Docker Desktop') as Error & { code: string };
        err.name = 'GatewayError';
        err.code = 'engine';
        throw err;
      }
      return { answered: name, arg: arg ?? null };
    };
  }
  return { handlers: table as unknown as HandlerTable, calls };
}

const app: FakeSender = { frameUrl: APP_INDEX_URL, webContentsId: 7 };

function setup() {
  const fake = createFakeElectron();
  const { handlers, calls } = recordingHandlers();
  const errors: string[] = [];
  const unregister = registerIpc(fake.ipcMain, handlers, { onError: (name) => errors.push(name) });
  return { fake, calls, errors, unregister };
}

test('every request channel of the contract is registered, and unregistering removes them all', () => {
  const { fake, unregister } = setup();
  assert.deepEqual([...fake.ipcMain.handlers.keys()].sort(), INVOKE_NAMES.map(invokeChannel).sort());
  unregister();
  assert.equal(fake.ipcMain.handlers.size, 0);
});

test('a good call from the app page reaches the handler with its parsed argument and caller', async () => {
  const { fake, calls } = setup();
  const answer = (await fake.ipcMain.invoke(app, invokeChannel('putRoute'), { path: '/hello', upstream: ' 127.0.0.1:8080 ' })) as Envelope<unknown>;
  assert.deepEqual(answer, { ok: true, value: { answered: 'putRoute', arg: { path: '/hello', upstream: '127.0.0.1:8080' } } });
  assert.deepEqual(calls, [{ name: 'putRoute', arg: { path: '/hello', upstream: '127.0.0.1:8080' }, caller: { clientId: callerIdFor(7) } }]);
  const none = (await fake.ipcMain.invoke(app, invokeChannel('getStatus'))) as Envelope<unknown>;
  assert.equal(none.ok, true);
});

test('bad arguments are refused with an envelope and never reach the handler', async () => {
  const { fake, calls, errors } = setup();
  const cases: [InvokeName, unknown[]][] = [
    ['putRoute', [{ path: 'no-slash', upstream: '127.0.0.1:8080' }]],
    ['putRoute', [{ path: '/x', upstream: '127.0.0.1:8080', extra: true }]],
    ['deleteRoute', [{ id: '../../etc' }]],
    ['tailLogs', [{ lines: 1e9 }]],
    ['updateSettings', [{ quitBehaviour: 'explode' }]],
    ['getStatus', [{ sneaky: 1 }]],
    ['addProfile', [{ name: 'UPPER', kind: 'local' }]],
    ['removeProfile', ['local']],
    ['getStatus', [undefined, 'second argument']],
  ];
  for (const [name, args] of cases) {
    const answer = (await fake.ipcMain.invoke(app, invokeChannel(name), ...args)) as Envelope<unknown>;
    assert.equal(answer.ok, false, `${name} ${JSON.stringify(args)}`);
    if (!answer.ok) {
      assert.equal(answer.error.code, 'bad-argument');
      assert.match(answer.error.message, new RegExp(`^Invalid argument for ${name}`));
    }
  }
  assert.deepEqual(calls, []);
  assert.equal(errors.length, cases.length);
});

test('a foreign or vanished sender is refused before its argument is even looked at', async () => {
  const { fake, calls } = setup();
  for (const frameUrl of ['https://evil.example/page?token=secret', 'file:///tmp/x.html', 'gateway-tray://other/index.html', 'about:blank', null]) {
    const answer = (await fake.ipcMain.invoke({ frameUrl }, invokeChannel('getStatus'))) as Envelope<unknown>;
    assert.equal(answer.ok, false, String(frameUrl));
    if (!answer.ok) {
      assert.equal(answer.error.code, 'foreign-sender');
      assert.doesNotMatch(answer.error.message, /token=secret/, 'the refused URL is not quoted whole');
    }
  }
  assert.deepEqual(calls, []);
});

test('a handler error travels as the envelope, with its name, message and code', async () => {
  const { fake } = setup();
  const answer = (await fake.ipcMain.invoke(app, invokeChannel('stop'))) as Envelope<unknown>;
  assert.deepEqual(answer, { ok: false, error: { name: 'GatewayError', message: 'Docker is not running: start Docker Desktop', code: 'engine' } });
});

test('the preload exposes one named function per request and no generic invoke', async () => {
  const { fake } = setup();
  const api = buildPreloadApi(new FakeIpcRenderer(fake.ipcMain, app));
  assert.deepEqual(Object.keys(api).sort(), [...INVOKE_NAMES, 'on'].sort());
  assert.equal((api as unknown as Record<string, unknown>).invoke, undefined);
  assert.ok(Object.isFrozen(api));
  assert.deepEqual(await api.deleteRoute({ id: 'r1' }), { answered: 'deleteRoute', arg: { id: 'r1' } });
  assert.deepEqual(await api.getStatus(), { answered: 'getStatus', arg: null });
  await assert.rejects(api.stop(), (err: unknown) => err instanceof RemoteError && err.name === 'GatewayError' && err.code === 'engine' && /start Docker Desktop/.test(err.message));
  await assert.rejects(api.tailLogs({ lines: -1 }), (err: unknown) => err instanceof RemoteError && err.code === 'bad-argument');
});

test('a preload in a foreign frame gets refusals, not data', async () => {
  const { fake, calls } = setup();
  const api = buildPreloadApi(new FakeIpcRenderer(fake.ipcMain, { frameUrl: 'https://evil.example/' }));
  await assert.rejects(api.getSettings(), (err: unknown) => err instanceof RemoteError && err.code === 'foreign-sender');
  assert.deepEqual(calls, []);
});

test('event subscriptions deliver payloads without the IPC event object, and unsubscribe', () => {
  const { fake } = setup();
  const renderer = new FakeIpcRenderer(fake.ipcMain, app);
  const api = buildPreloadApi(renderer);
  const seen: unknown[][] = [];
  const off = api.on('statusChanged', (...args: unknown[]) => seen.push(args));
  renderer.deliver(eventChannel('statusChanged'), { at: 1 });
  off();
  off();
  renderer.deliver(eventChannel('statusChanged'), { at: 2 });
  assert.deepEqual(seen, [[{ at: 1 }]]);
  assert.equal(renderer.listenerCount(eventChannel('statusChanged')), 0);
  assert.throws(() => api.on('nope' as never, () => {}), /no event named nope/);
});

test('events from main reach only live web contents showing the app page', () => {
  const session = new FakeSession();
  const ours = new FakeWebContents(session);
  ours.url = APP_INDEX_URL;
  const strayed = new FakeWebContents(session);
  strayed.url = 'https://evil.example/';
  const gone = new FakeWebContents(session);
  gone.url = APP_INDEX_URL;
  gone.destroyed = true;
  const sink = electronEventSink(() => [ours, strayed, gone]);
  sink('routesChanged', { at: 5 });
  assert.deepEqual(ours.sent, [{ channel: eventChannel('routesChanged'), args: [{ at: 5 }] }]);
  assert.deepEqual(strayed.sent, []);
  assert.deepEqual(gone.sent, []);
});
