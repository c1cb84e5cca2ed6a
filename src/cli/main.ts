import { redactSecrets } from '../core/log/redact.ts';
import { runCli } from './run-cli.ts';

// Everything the CLI prints passes the redaction: the control plane's and the app's logs go to stderr.
const code = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${redactSecrets(line)}\n`),
  err: (line) => process.stderr.write(`${redactSecrets(line)}\n`),
  env: process.env,
});
// Long-running commands (control-plane, status --watch) resolve only when they are done.
process.exitCode = code;
