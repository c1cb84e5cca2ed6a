import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Oxc turns JSX into react/jsx-runtime calls; no React plugin is needed for a production build.
// base './' lets Electron load the build from file://, and the web bridge serve it from '/'.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or eval anywhere: the pages run under a strict CSP (script-src 'self').
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      // lucide-react marks its modules "use client" for React Server Components; a client bundle has
      // no use for it, and the notice would drown real warnings.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
