/**
 * Runs npm scripts at the same time and says how long each took: `npm test` uses it for the checks
 * before the tests (busted and the fixture image build), which share no output and no files. Each
 * script's output is printed whole when it ends (test/runner/npm-scripts.ts). Fails when any script
 * fails, after all have ended.
 *
 *   node --import tsx test/run-steps.ts test:lua fixtures:images
 */
import { runNpmScripts } from './runner/npm-scripts.ts';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node --import tsx test/run-steps.ts <npm script> [<npm script> ...]');
  process.exit(2);
}
const { summary, failed } = await runNpmScripts(names);
console.log(`# ${summary}`);
process.exitCode = failed.length > 0 ? 1 : 0;
