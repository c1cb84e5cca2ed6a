export { runDoctor, CHECKERS } from './run-doctor.ts';
export { estimateSkewMs, MAX_SKEW_MS } from './clock-skew-check.ts';
export type { CheckResult, CheckStatus, Checker, DoctorContext } from './types.ts';
