/**
 * The integration and end-to-end files, each bundled with its imports from src and test (esbuild, in one
 * call of about 2 s), so that each runs in a plain node without tsx.
 *
 * Under tsx a new test process spent 2.6–2.9 s of CPU before its first test, against 1.2–1.4 s for
 * its bundle: tsx's hooks resolve and load every module of the import graph one by one. A whole run
 * starts about 80 such processes, on 2 cores that the integration files keep busy, so that was about a
 * minute of the run. Unit files load once per shard (shard-pool.ts) and stay under tsx.
 *
 * Each source file keeps its own `import.meta.url`, `dirname` and `filename`, written into it before it
 * is bundled: the files find fixtures, assets and the compiled CLI relative to where they are, and the
 * bundle lives elsewhere. Packages stay imports, resolved from node_modules as before. Names are kept
 * (an error class's `name`), and an inline source map points stack traces at the .ts lines.
 */
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ownLocationPlugin, rewriteImportMeta, type OwnLocation } from '../../scripts/import-meta.ts';

/** The node flags a bundle runs with: the source map, and no tsx. */
export const BUNDLE_NODE_FLAGS = ['--enable-source-maps'];

const OUT_DIR = '.cache/test-bundles';

/** A module's own `import.meta` paths: those of its source file. */
function sourceLocation(path: string): OwnLocation {
  return { dirname: JSON.stringify(dirname(path)), filename: JSON.stringify(path), url: JSON.stringify(pathToFileURL(path).href) };
}

/** Replaces a module's own `import.meta` paths with those of its source file. */
export function withOwnLocation(text: string, path: string): string {
  return rewriteImportMeta(text, sourceLocation(path));
}

/** Bundles `files` (absolute paths under `root`); returns each file's bundle. */
export async function bundleTestFiles(root: string, files: string[]): Promise<Map<string, string>> {
  const bundles = new Map<string, string>();
  if (files.length === 0) return bundles;
  const entryPoints = files.map((file) => {
    const out = relative(root, file).replace(/\.tsx?$/, '');
    bundles.set(file, join(root, OUT_DIR, `${out}.mjs`));
    return { in: file, out };
  });
  await build({
    entryPoints,
    outdir: join(root, OUT_DIR),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    jsx: 'automatic',
    keepNames: true,
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [ownLocationPlugin(sourceLocation)],
  });
  return bundles;
}
