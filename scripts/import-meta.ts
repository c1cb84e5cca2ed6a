/**
 * A module's own location in a bundle: in a bundle, `import.meta` is the bundle's, and a module that finds
 * its files relative to itself (assets, the renderer, package.json, fixtures) would look in the wrong
 * place. Used by scripts/build-cli.ts and test/runner/test-bundles.ts, each with its own expressions.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** The expressions that stand for a module's `import.meta.url`, `.filename` and `.dirname`. */
export interface OwnLocation {
  url: string;
  filename: string;
  dirname: string;
}

/** Rewrites them in one pass, so that an expression may itself use the bundle's `import.meta.url`. */
export function rewriteImportMeta(text: string, expr: OwnLocation): string {
  return text.replace(/\bimport\.meta\.(url|filename|dirname)\b/g, (_, key: keyof OwnLocation) => expr[key]);
}

/**
 * An esbuild plugin that writes into each TypeScript module its own location, `locationOf(path)`;
 * a module for which that is undefined is loaded as it is.
 */
export function ownLocationPlugin(locationOf: (path: string) => OwnLocation | undefined): Plugin {
  return {
    name: 'own-location',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        const location = locationOf(args.path);
        if (!location) return undefined;
        return { contents: rewriteImportMeta(await readFile(args.path, 'utf8'), location), loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
      });
    },
  };
}
