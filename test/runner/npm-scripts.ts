/**
 * npm scripts run at the same time, each one's output printed whole when it ends, so the lines of two
 * scripts never mix, and its time said. `test/run-tests.ts` runs with it the build, busted and the fixture
 * build before the tests (`--prepare=…`), and the type-check and lint beside the integration files, in the
 * background (`--checks=…`).
 */
import { spawn } from 'node:child_process';

interface StepResult {
  name: string;
  code: number;
  ms: number;
}

/**
 * `nice -n 19` where there is one: such a script gets a core only when nothing else of the run wants it.
 * Set by the `nice` command, not by setPriority after the spawn, so that npm's own children inherit it
 * from their first instruction.
 */
function command(name: string, background: boolean): [string, string[]] {
  return background && process.platform !== 'win32' ? ['nice', ['-n', '19', 'npm', 'run', name]] : ['npm', ['run', name]];
}

function runNpmScript(name: string, background: boolean): Promise<StepResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const [file, args] = command(name, background);
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => output.push(c));
    child.stderr.on('data', (c: Buffer) => output.push(c));
    let ended = false;
    const done = (code: number) => {
      if (ended) return; // 'error' and 'close' can both come
      ended = true;
      const ms = Date.now() - started;
      const text = Buffer.concat(output).toString();
      process.stdout.write(`${code === 0 ? 'ok' : 'not ok'} ${name} (${(ms / 1000).toFixed(1)} s)\n${text}${text && !text.endsWith('\n') ? '\n' : ''}`);
      resolve({ name, code, ms });
    };
    child.on('error', (err) => {
      output.push(Buffer.from(`could not run npm: ${err.message}\n`));
      done(1);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

/**
 * Runs the scripts at once; the line that sums them up (naming any that failed), and those names. With
 * `background`, at the lowest CPU priority (`command` above).
 */
export async function runNpmScripts(names: string[], label = 'checks', opts: { background?: boolean } = {}): Promise<{ summary: string; failed: string[] }> {
  const started = Date.now();
  const results = await Promise.all(names.map((name) => runNpmScript(name, opts.background ?? false)));
  const failed = results.filter((r) => r.code !== 0).map((r) => r.name);
  const times = results.map((r) => `${r.name} ${(r.ms / 1000).toFixed(1)} s`).join(', ');
  return {
    summary: `${label}: ${times}; together ${((Date.now() - started) / 1000).toFixed(1)} s${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}`,
    failed,
  };
}
