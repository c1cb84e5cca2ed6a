import type { ControlPlaneProblem } from './status-inputs.ts';

/**
 * Why a session has no control-plane client, as a reason the status can show: a missing or damaged
 * token is not a dead server. The session says it in words (src/core/gateway/session.ts); until it
 * carries a reason itself, these are read from them.
 */
export function problemOfSession(text: string | undefined): ControlPlaneProblem | undefined {
  if (!text) return undefined;
  if (/no token|token .*(missing|damaged|could not be read)/i.test(text)) return { reason: 'token-missing', detail: text };
  if (/refused the token|unauthori[sz]ed/i.test(text)) return { reason: 'token-refused', detail: text };
  return { reason: 'control-plane-down', detail: text };
}
