import { runCli } from './run-cli.ts';

const code = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
// Long-running commands (control-plane, status --watch) resolve only when they are done.
process.exitCode = code;
