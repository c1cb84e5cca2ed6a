/**
 * Bundles the preload into dist/preload.cjs. Electron loads a sandboxed preload as a CommonJS script in
 * which `require` knows only a handful of modules ('electron', 'events', 'timers', 'url'), so the
 * contract and zod are bundled in and only 'electron' stays external. Run by `npm run build`.
 */
import { build, type BuildOptions } from 'esbuild';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

export const preloadBuildOptions: BuildOptions = {
  entryPoints: [resolve(root, 'src/preload.ts')],
  bundle: true,
  // The sandboxed preload is a browser-like context with a tiny require, not Node.
  platform: 'browser',
  format: 'cjs',
  target: 'chrome140',
  external: ['electron'],
  outfile: resolve(root, 'dist/preload.cjs'),
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  minify: true,
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await build(preloadBuildOptions);
}
