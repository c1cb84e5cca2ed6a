/**
 * Bundles the CLI, with the packages it uses, into dist/cli/main.js, over the file that tsc emitted there
 * (the rest of dist/ stays as tsc wrote it, for the desktop app). Run by `npm run build`, after tsc.
 *
 * A start of the CLI cost 1.2–1.4 s of CPU with its modules loaded one by one (about 300 of ours and the
 * packages' under dist/ and node_modules), and 0.7–0.85 s bundled: `status` answers about a third sooner,
 * and the background control plane and `ui --web` start sooner. Bundling only our own modules gained
 * nothing: the packages' files (dockerode, ssh2, node-forge, zod, conf) were most of the loading.
 *
 * Each module keeps its own location: its `import.meta.url` becomes the URL of the file tsc would have
 * written for it, found relative to the bundle, so `new URL('../../../assets/agent', import.meta.url)`
 * still reaches assets/ wherever the package is installed. CommonJS packages get the `require`,
 * `__filename` and `__dirname` they expect (the bundle's own). cpu-features is an optional native
 * module of ssh2, loaded at run time when it is there.
 */
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { ownLocationPlugin, type OwnLocation } from './import-meta.ts';

const root = resolve(import.meta.dirname, '..');
const SRC = resolve(root, 'src');
const ENTRY = resolve(SRC, 'cli/main.ts');

/** Where tsc puts a source file's output, as a URL relative to the bundle (dist/cli/main.js). */
function distUrlFromBundle(sourcePath: string): string {
  const emitted = relative(dirname(ENTRY), sourcePath).replace(/\.tsx?$/, '.js');
  return JSON.stringify(emitted.startsWith('.') ? emitted : `./${emitted}`);
}

/** Each module of ours is where tsc would have put it; the packages' modules are left as they are. */
function distLocation(sourcePath: string): OwnLocation | undefined {
  if (!sourcePath.startsWith(`${SRC}/`)) return undefined;
  const url = `new URL(${distUrlFromBundle(sourcePath)}, import.meta.url).href`;
  return { url, filename: `__gtFileUrlToPath(${url})`, dirname: `__gtDirname(__gtFileUrlToPath(${url}))` };
}

export const cliBuildOptions: BuildOptions = {
  entryPoints: [ENTRY],
  outfile: resolve(root, 'dist/cli/main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['cpu-features', '*.node'],
  banner: {
    js: [
      "import { createRequire as __gtCreateRequire } from 'node:module';",
      "import { fileURLToPath as __gtFileUrlToPath } from 'node:url';",
      "import { dirname as __gtDirname } from 'node:path';",
      'const require = __gtCreateRequire(import.meta.url);',
      'const __filename = __gtFileUrlToPath(import.meta.url);',
      'const __dirname = __gtDirname(__filename);',
    ].join('\n'),
  },
  keepNames: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [ownLocationPlugin(distLocation)],
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await build(cliBuildOptions);
}
