import { constants } from 'node:os';
import type { BackgroundRenewalOptions } from './background-renewal.ts';

type Listener = (...args: unknown[]) => void;

/**
 * Loads a module while keeping the signal listeners it adds off the process. The renewal reads profiles
 * through ProfileStore, whose atomic writes (conf) pull in when-exit: it answers SIGTERM and SIGINT by
 * running its hooks and raising the signal again, which in the control plane's process would kill it in
 * the middle of its own orderly stop (`control-plane stop`, Ctrl-C). Its 'exit' hook stays, so the
 * clean-up it exists for still runs. (run-cli.ts sets SIGINT's aside for the same reason.)
 */
export async function withoutSignalEcho<T>(load: () => Promise<T>): Promise<T> {
  const signals = Object.keys(constants.signals);
  const before = new Map(signals.map((s) => [s, new Set(process.rawListeners(s) as Listener[])]));
  try {
    return await load();
  } finally {
    for (const s of signals) {
      for (const l of process.rawListeners(s) as Listener[]) if (!before.get(s)?.has(l)) process.removeListener(s, l);
    }
  }
}

/**
 * The background control plane's one call: renew the gateways of the home's embedded profiles while it
 * runs (see background-renewal.ts). Loaded after the control plane is ready, so start-up pays nothing.
 */
export async function renewInBackground(o: BackgroundRenewalOptions): Promise<void> {
  try {
    const { startBackgroundRenewal } = await withoutSignalEcho(() => import('./background-renewal.ts'));
    startBackgroundRenewal(o);
  } catch (err) {
    o.log?.(`Gateway certificates will not be renewed by this control plane: ${err instanceof Error ? err.message : String(err)}`);
  }
}
