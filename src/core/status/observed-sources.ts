import { needsRenewal } from '../credentials/x509-inspect.ts';
import type { AgentStatusFile, CertificateFacts, ContainerFacts, ControlPlaneProblem, InstanceFacts, StatusInputs } from './status-inputs.ts';

/**
 * What the status watcher last saw of each source: `undefined` not read yet, `null` read and absent.
 * A source that fails to read keeps its last value.
 */
export interface Observed {
  engine: { ready: boolean; reason?: string; endpoint?: string };
  instanceId?: string;
  container: ContainerFacts | null | undefined;
  agent: AgentStatusFile | null | undefined;
  instance: InstanceFacts | null | 'unreachable' | undefined;
  controlPlaneProblem?: ControlPlaneProblem;
  certificate: Omit<CertificateFacts, 'needsRenewal'> | null | undefined;
}

export const nothingObserved = (): Observed => ({ engine: { ready: false }, container: undefined, agent: undefined, instance: undefined, certificate: undefined });

/** What the watcher knows besides its sources: the profile, its ports and what this process is doing. */
export interface WatcherContext {
  profile: string;
  ports?: Record<string, number> | undefined;
  launching?: string | undefined;
  registerGraceMs?: number | undefined;
  hostProblem?: string | undefined;
}

/**
 * The inputs of deriveStatus at `now`. Whether the certificate needs renewal is worked out here, not
 * when it was read: it turns due with time, and the file is read only every few minutes.
 */
export function statusInputsOf(s: Observed, c: WatcherContext, now: number): StatusInputs {
  const cert = s.certificate;
  return {
    now,
    profile: c.profile,
    engine: s.engine,
    container: s.container,
    agent: s.agent,
    instance: s.instance,
    ...(s.controlPlaneProblem ? { controlPlaneProblem: s.controlPlaneProblem } : {}),
    certificate: cert ? { ...cert, needsRenewal: needsRenewal({ notBefore: new Date(cert.notBefore), notAfter: new Date(cert.notAfter) }, new Date(now)) } : cert,
    ...(s.instanceId ? { instanceId: s.instanceId } : {}),
    ...(c.ports ? { ports: c.ports } : {}),
    ...(c.launching ? { launching: { stage: c.launching } } : {}),
    ...(c.registerGraceMs !== undefined ? { registerGraceMs: c.registerGraceMs } : {}),
    ...(c.hostProblem ? { hostProblem: c.hostProblem } : {}),
  };
}
