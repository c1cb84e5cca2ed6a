#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm install` builds it through the prepare script.
import('../dist/cli/main.js').catch((err) => {
  console.error(`gateway-tray: cannot load the compiled CLI (${err.message}). Run "npm run build" first.`);
  process.exit(1);
});
