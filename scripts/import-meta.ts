/**
 * Rewrites a module's `import.meta.url`, `.filename` and `.dirname` into expressions of the caller's
 * choosing, for bundles: in a bundle, `import.meta` is the bundle's, and a module that finds its files
 * relative to itself (assets, the renderer, package.json, fixtures) would look in the wrong place.
 * One pass, so that an expression may itself use the bundle's `import.meta.url`.
 * Used by scripts/build-cli.ts and test/runner/test-bundles.ts.
 */
export function rewriteImportMeta(text: string, expr: { url: string; filename: string; dirname: string }): string {
  return text.replace(/\bimport\.meta\.(url|filename|dirname)\b/g, (_, key: 'url' | 'filename' | 'dirname') => expr[key]);
}
