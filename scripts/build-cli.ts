/**
 * Bundles the CLI, with the packages it uses, into dist/cli/main.js, over the file that tsc emitted there
 * (the rest of dist/ stays as tsc wrote it, for the desktop app). Run by `npm run build`, after tsc.
 *
 * A start of the CLI cost 1.2–1.4 s of CPU with its modules loaded one by one (about 300 of ours and the
 * packages' under dist/ and node_modules), and 0.6–0.7 s bundled: `status` answers in half the time,
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
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { rewriteImportMeta } from './import-meta.ts';

const root = resolve(import.meta.dirname, '..');
const SRC = resolve(root, 'src');
const ENTRY = resolve(SRC, 'cli/main.ts');

/** Where tsc puts a source file's output, as a URL relative to the bundle (dist/cli/main.js). */
function distUrlFromBundle(sourcePath: string): string {
  const emitted = relative(dirname(ENTRY), sourcePath).replace(/\.tsx?$/, '.js');
  return JSON.stringify(emitted.startsWith('.') ? emitted : `./${emitted}`);
}

const ownLocation: Plugin = {
  name: 'own-location',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!args.path.startsWith(`${SRC}/`)) return { contents: text, loader: 'ts' };
      const url = `new URL(${distUrlFromBundle(args.path)}, import.meta.url).href`;
      return {
        contents: rewriteImportMeta(text, { url, filename: `__gtFileUrlToPath(${url})`, dirname: `__gtDirname(__gtFileUrlToPath(${url}))` }),
        loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
      };
    });
  },
};

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
  plugins: [ownLocation],
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await build(cliBuildOptions);
}
