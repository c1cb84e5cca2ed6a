/**
 * Runs npm scripts at the same time and says how long each took: `npm test` uses it for the checks
 * before the tests (type-check, lint, busted, the fixture image build), which share no output and no
 * files. Type-check and lint use the CPU while the fixture build mostly waits for Docker and the
 * registry, so together they take about as long as the slowest, not their sum. Each script's output is
 * printed whole when it ends, so the lines of two scripts never mix. Fails when any script fails,
 * after all have ended.
 *
 *   node --import tsx test/run-steps.ts typecheck lint test:lua fixtures:images
 */
import { spawn } from 'node:child_process';

interface StepResult {
  name: string;
  code: number;
  ms: number;
}

function runScript(name: string): Promise<StepResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', name], { stdio: ['ignore', 'pipe', 'pipe'] });
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

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node --import tsx test/run-steps.ts <npm script> [<npm script> ...]');
  process.exit(2);
}
const started = Date.now();
const results = await Promise.all(names.map(runScript));
const failed = results.filter((r) => r.code !== 0);
console.log(`# checks: ${results.map((r) => `${r.name} ${(r.ms / 1000).toFixed(1)} s`).join(', ')}; together ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (failed.length > 0) console.log(`# failed: ${failed.map((r) => r.name).join(', ')}`);
process.exitCode = failed.length > 0 ? 1 : 0;
