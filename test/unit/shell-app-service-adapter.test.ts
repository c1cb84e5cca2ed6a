import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INVOKE_NAMES, type CallerContext, type EventSink, type HandlerTable } from '../../src/contract/ipc-contract.ts';
import { AppSettingsStore } from '../../src/core/app/app-settings.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { shellServicesFrom, TRAY_CALLER } from '../../src/shell/app-service-adapter.ts';
import type { ShellSettings } from '../../src/shell/shell-services.ts';

test('the adapter turns the app service into the shell interface: actions, status and settings', async () => {
  const home = mkdtempSync(join(tmpdir(), 'gt-adapter-'));
  try {
    const calls: [string, unknown, CallerContext][] = [];
    const handlers = Object.fromEntries(INVOKE_NAMES.map((n) => [n, async (arg: unknown, caller: CallerContext) => void calls.push([n, arg, caller])])) as unknown as HandlerTable;
    const sinks = new Set<EventSink>();
    const latest: { status?: GatewayStatus } = {};
    const settings = new AppSettingsStore(home);
    const services = shellServicesFrom({
      handlers,
      subscribe: (sink) => {
        sinks.add(sink);
        return () => sinks.delete(sink);
      },
      currentStatus: () => latest.status,
      probeNow: async () => {},
      settings,
    });
    const emit: EventSink = (name, payload) => sinks.forEach((s) => s(name, payload));

    await services.actions.launch();
    await services.actions.stop();
    await services.actions.renewCertificate();
    assert.deepEqual(calls, [
      ['launch', undefined, TRAY_CALLER],
      ['stop', undefined, TRAY_CALLER],
      ['renewCertificate', undefined, TRAY_CALLER],
    ]);

    const seen: GatewayStatus[] = [];
    const off = services.onStatus((s) => seen.push(s));
    emit('statusChanged', { at: 1 });
    const status: GatewayStatus = { state: 'healthy', reasons: [], profile: 'local', engine: { ready: true }, at: 1 };
    latest.status = status;
    emit('statusChanged', { at: 2 });
    emit('statusChanged', { at: 3 });
    emit('routesChanged', { at: 4 });
    assert.deepEqual(seen, [status], 'told once per new snapshot, never with undefined');
    off();
    assert.equal(sinks.size, 0);

    assert.deepEqual(services.settings(), { notifications: { enabled: true, muted: [] }, autostart: false, quitBehaviour: 'leave-running' });
    const changes: ShellSettings[] = [];
    services.onSettings((s) => changes.push(s));
    settings.update({ autostart: true, notifications: { muted: ['recovered'] } });
    emit('settingsChanged', { at: 5 });
    assert.deepEqual(changes, [{ notifications: { enabled: true, muted: ['recovered'] }, autostart: true, quitBehaviour: 'leave-running' }]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
