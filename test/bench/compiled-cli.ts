/**
 * The CLI as the shipped app runs it: compiled JavaScript, not TypeScript compiled at start by tsx (whose
 * compile garbage a process collects for minutes, and which no user runs). For benchmarks only.
 *
 * It is built with the project's tsconfig.build.json into a temporary package laid out as the real one
 * (dist/ beside renderer/, assets/, node_modules/ and package.json, linked to this checkout), so the
 * paths the CLI finds from its own location resolve as in a build, and the checkout's dist/ is left alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CompiledCli {
  /** The entry point to give node: `node <main> ui --web`. */
  main: string;
  remove(): Promise<void>;
}

export async function buildCompiledCli(repo: string): Promise<CompiledCli> {
  const root = await mkdtemp(join(tmpdir(), 'gt-compiled-cli-'));
  try {
    for (const name of ['package.json', 'node_modules', 'renderer', 'assets']) await symlink(join(repo, name), join(root, name));
    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(repo, 'tsconfig.build.json'), '--outDir', join(root, 'dist'), '--sourceMap', 'false'], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
    const main = join(root, 'dist/cli/main.js');
    // tsc emits despite type errors elsewhere in the tree (another change in progress); only no output is fatal.
    if (!existsSync(main)) throw new Error(`tsc -p tsconfig.build.json emitted no ${main} (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return { main, remove: () => rm(root, { recursive: true, force: true }) };
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
