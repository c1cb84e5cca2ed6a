/**
 * `npm start`: runs Electron on the built app, or, where Electron's binary was never downloaded (a
 * blocked download, ELECTRON_SKIP_BINARY_DOWNLOAD=1), says so and points at the browser mode instead of
 * Electron's own "failed to install correctly". Electron's index.js is not loaded: it would try to
 * download the binary on the spot.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The Electron binary as the electron package records it (path.txt), or its override; undefined when absent. */
export function findElectronBinary(electronDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(electronDir, 'path.txt');
  if (!override && !existsSync(pathFile)) return undefined;
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const binary = override ? join(override, relative) : join(electronDir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}

export function missingElectronMessage(electronDir: string): string {
  return [
    `npm start: Electron's binary is not installed (nothing at ${join(electronDir, 'dist')}).`,
    'Its download was skipped or blocked (for example with ELECTRON_SKIP_BINARY_DOWNLOAD=1).',
    'The same window runs in your browser without Electron:',
    '  npx gateway-tray ui --web',
    'To get the desktop app, allow the download and run: npm rebuild electron',
  ].join('\n');
}

async function main(): Promise<number> {
  const electronDir = resolve(import.meta.dirname, '../node_modules/electron');
  const binary = findElectronBinary(electronDir);
  if (!binary) {
    console.error(missingElectronMessage(electronDir));
    return 1;
  }
  const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit', cwd: resolve(import.meta.dirname, '..') });
  return new Promise((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0))));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
