import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BUNDLE_NODE_FLAGS, bundleTestFiles, withOwnLocation } from '../runner/test-bundles.ts';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'gt-bundles-'));
after(() => rmSync(root, { recursive: true, force: true }));

test("a module's own import.meta paths are written into it", () => {
  const path = '/repo/test/helpers/x.ts';
  assert.equal(
    withOwnLocation('a(import.meta.dirname, import.meta.filename, import.meta.url)', path),
    'a("/repo/test/helpers", "/repo/test/helpers/x.ts", "file:///repo/test/helpers/x.ts")',
  );
});

test('a bundled file runs in plain node, each module still where its source is, with names kept and stacks on the .ts lines', async () => {
  mkdirSync(join(root, 'test/integration'), { recursive: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(
    join(root, 'src/where.ts'),
    [
      'export class GatewayError extends Error {}',
      'export const where = (): string => import.meta.dirname;',
      "export function fail(): never { throw new GatewayError('here'); }",
    ].join('\n'),
  );
  const file = join(root, 'test/integration/a.test.ts');
  writeFileSync(
    file,
    [
      "import { GatewayError, fail, where } from '../../src/where.ts';",
      'const seen: { own: string; helper: string; url: string; name: string; stack?: string } = { own: import.meta.dirname, helper: where(), url: import.meta.url, name: GatewayError.name };',
      'try { fail(); } catch (err) { seen.stack = (err as Error).stack; }',
      'console.log(JSON.stringify(seen));',
    ].join('\n'),
  );
  const bundles = await bundleTestFiles(root, [file]);
  const bundle = bundles.get(file);
  assert.equal(bundle, join(root, '.cache/test-bundles/test/integration/a.test.mjs'));
  const { stdout } = await run(process.execPath, [...BUNDLE_NODE_FLAGS, bundle as string]);
  const seen = JSON.parse(stdout) as { own: string; helper: string; url: string; name: string; stack: string };
  assert.equal(seen.own, join(root, 'test/integration'));
  assert.equal(seen.helper, join(root, 'src'));
  assert.equal(seen.url, pathToFileURL(file).href);
  assert.equal(seen.name, 'GatewayError');
  assert.match(seen.stack, new RegExp(`${join(root, 'src/where.ts').replaceAll('.', '\\.')}:3:`));
});
