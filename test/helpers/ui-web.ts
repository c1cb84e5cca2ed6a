import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { buildIfChanged, RENDERER } from '../../scripts/build-if-changed.ts';
import { CLI_ARGS } from './cli-process.ts';
import { waitFor } from './wait-for.ts';

export const REPO = resolve(import.meta.dirname, '../..');

/** Builds the renderer as `npm run build:renderer` does (type-check included), unless its inputs are unchanged. */
export async function buildRenderer(): Promise<void> {
  await buildIfChanged(RENDERER);
}

export interface UiProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then waits for a clean exit; resolves the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `gateway-tray ui --web` (the compiled CLI) as a child process and waits for the URL it prints. */
export async function startUiWeb(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<UiProcess> {
  const child = spawn(process.execPath, [...CLI_ARGS, 'ui', '--web', ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(killer);
    return code;
  };
  try {
    const url = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`ui --web exited with ${child.exitCode}: ${out}`);
        return /open (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(out)?.[1];
      },
      { timeoutMs, intervalMs: 100, what: 'gateway-tray ui --web to print its URL' },
    );
    return { url, child, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Stops `ui --web`, and prints what it wrote when it did not exit cleanly: the test's only view of a crash. */
export async function stopUiWebReporting(ui: UiProcess | undefined): Promise<void> {
  const code = await ui?.stop();
  if (ui && code !== undefined && code !== 0) console.error(`ui --web exited with ${code}:\n${ui.output()}`);
}
