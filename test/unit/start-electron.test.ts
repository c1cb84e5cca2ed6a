import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronBinary, missingElectronMessage } from '../../scripts/start-electron.ts';

test('npm start finds no Electron binary where the download was skipped, and points at ui --web', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-electron-'));
  try {
    assert.equal(findElectronBinary(dir, {}), undefined);
    const message = missingElectronMessage(dir);
    assert.match(message, /Electron's binary is not installed/);
    assert.match(message, /ELECTRON_SKIP_BINARY_DOWNLOAD=1/);
    assert.match(message, /npx gateway-tray ui --web/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm start runs the binary the electron package recorded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-electron-'));
  try {
    writeFileSync(join(dir, 'path.txt'), 'electron');
    assert.equal(findElectronBinary(dir, {}), undefined, 'path.txt alone is not a binary');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    assert.equal(findElectronBinary(dir, {}), join(dir, 'dist', 'electron'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
