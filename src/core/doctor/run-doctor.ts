import { certificateCheck } from './certificate-check.ts';
import { clockSkewCheck } from './clock-skew-check.ts';
import { configCentreCheck } from './config-centre-check.ts';
import { controlPlaneCheck } from './control-plane-check.ts';
import { engineCheck } from './engine-check.ts';
import { gatewayCheck } from './gateway-check.ts';
import { imageCheck } from './image-check.ts';
import { portsCheck } from './ports-check.ts';
import { secretStoreCheck } from './secret-store-check.ts';
import { socketSourceCheck } from './socket-source-check.ts';
import type { CheckResult, Checker, DoctorContext } from './types.ts';

export const CHECKERS: Checker[] = [engineCheck, socketSourceCheck, portsCheck, imageCheck, controlPlaneCheck, configCentreCheck, certificateCheck, gatewayCheck, clockSkewCheck, secretStoreCheck];

const ENGINE_DEPENDENT = new Set(['ports', 'image', 'gateway']);

/** Runs every checker; one that throws is reported as failed, never stops the others. */
export async function runDoctor(ctx: DoctorContext, checkers: Checker[] = CHECKERS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let engineDown = false;
  for (const c of checkers) {
    if (engineDown && ENGINE_DEPENDENT.has(c.id)) {
      results.push({ id: c.id, title: c.title, status: 'skip', detail: 'Docker does not answer' });
      continue;
    }
    try {
      const r = await c.run(ctx);
      results.push({ id: c.id, title: c.title, ...r });
      if (c.id === 'engine' && r.status === 'fail') engineDown = true;
    } catch (err) {
      results.push({ id: c.id, title: c.title, status: 'fail', detail: `the check itself failed: ${err instanceof Error ? err.message : String(err)}`, fix: 'Report this as a bug.' });
    }
  }
  return results;
}
