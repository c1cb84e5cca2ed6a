import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { trayModel } from '../../src/core/tray/tray-model.ts';
import type { OverallState } from '../../src/core/status/gateway-status.ts';

const trayDir = resolve(import.meta.dirname, '../../assets/tray');
const states: OverallState[] = ['stopped', 'starting', 'healthy', 'degraded', 'lost', 'error'];

test('every icon the tray model names exists for light and dark, at 1x and 2x, as a PNG of the right size', () => {
  for (const state of states) {
    const key = trayModel({ state, reasons: [], profile: 'p', engine: { ready: true }, at: 0 }).iconKey;
    for (const [suffix, size] of [['', 16], ['@2x', 32], ['-dark', 16], ['-dark@2x', 32]] as const) {
      const png = readFileSync(resolve(trayDir, `${key}${suffix}.png`));
      assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG', `${key}${suffix} is a PNG`);
      assert.equal(png.readUInt32BE(16), size, `${key}${suffix} width`);
      assert.equal(png.readUInt32BE(20), size, `${key}${suffix} height`);
    }
  }
});
