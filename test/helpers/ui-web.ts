import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait-for.ts';

export const REPO = resolve(import.meta.dirname, '../..');

/** Builds the renderer with Vite, as `npm run build:renderer` does (type-check included). */
export function buildRenderer(): void {
  const r = spawnSync('npm', ['run', '--silent', 'build:renderer'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`npm run build:renderer failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export interface UiProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then waits for a clean exit; resolves the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `gateway-tray ui --web` as a child process and waits for the URL it prints. */
export async function startUiWeb(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<UiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'ui', '--web', ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
