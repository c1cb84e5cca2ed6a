import type { GatewayStatus, OverallState, StatusReason } from './gateway-status.ts';
import type { StatusCode } from './status-codes.ts';
import type { ControlPlaneProblem, StatusInputs } from './status-inputs.ts';

const DEFAULT_REGISTER_GRACE_MS = 30_000;
const DEFAULT_LOST_AFTER_MS = 30_000;
// The agent retries within 1–2 s, so one or two failures are a blip, not something to show.
const TRANSIENT_FAILURES = 3;

/** Worst first: the overall state is the most severe of the reasons found. */
const SEVERITY: OverallState[] = ['error', 'lost', 'degraded', 'starting', 'stopped', 'healthy'];

interface Finding extends StatusReason {
  code: StatusCode;
  state: OverallState;
}

function worst(findings: Finding[]): OverallState {
  for (const s of SEVERITY) if (findings.some((f) => f.state === s)) return s;
  return 'healthy';
}

function ageMs(now: number, iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : now - t;
}

/**
 * One pure function from everything we can observe to what the user sees: the one snapshot the tray,
 * the window and `gateway-tray status` all render, so they cannot disagree. Status is computed on every
 * change, never stored as a sticky flag, so a missed event cannot leave the tray lying.
 */
export function deriveStatus(input: StatusInputs, opts: { lostAfterMs?: number } = {}): GatewayStatus {
  const { now, container, agent, instance, certificate } = input;
  // What answers is what the live container publishes; a profile's saved edits apply at the next launch.
  const published = container && container.state !== 'exited' && container.state !== 'dead' ? container.publishedPorts : undefined;
  const base: GatewayStatus = {
    state: 'stopped',
    reasons: [],
    profile: input.profile,
    engine: { ready: input.engine.ready, endpoint: input.engine.endpoint },
    instanceId: input.instanceId ?? agent?.instance_id ?? undefined,
    containerId: container?.id,
    containerState: container?.state,
    registeredAt: (instance && instance !== 'unreachable' ? instance.registerTime : undefined) ?? agent?.registered_at ?? undefined,
    lastHeartbeatAt: (instance && instance !== 'unreachable' ? instance.lastSeenTime : undefined) ?? agent?.last_success_at ?? undefined,
    certificateNotAfter: certificate ? new Date(certificate.notAfter).toISOString() : undefined,
    module: container?.module,
    ports: published ? { ...input.ports, ...published } : input.ports,
    ...(published ? { publishedPorts: published } : {}),
    at: now,
  };
  const done = (findings: Finding[]): GatewayStatus => {
    // The host's own trouble is said beside the gateway's state, not instead of it; launch retries it.
    const notes: Finding[] = input.hostProblem && !input.launching ? [{ state: 'healthy', code: 'control-plane-unavailable', message: input.hostProblem, action: 'retry' }] : [];
    return {
      ...base,
      state: worst(findings),
      reasons: [...findings, ...notes].map(({ code, message, action, reason }) => ({ code, message, ...(action ? { action } : {}), ...(reason ? { reason } : {}) })),
    };
  };

  if (!input.engine.ready) {
    return done([{ state: 'error', code: 'engine-unavailable', message: input.engine.reason ?? 'Docker is not available.', action: 'start-docker', reason: 'engine-unavailable' }]);
  }
  if (input.launching) {
    return done([{ state: 'starting', code: 'launching', message: input.launching.stage }]);
  }
  if (container === undefined) {
    return done([{ state: 'starting', code: 'checking', message: 'Looking for the gateway container…' }]);
  }
  if (container === null) {
    return done([{ state: 'stopped', code: 'not-running', message: 'The gateway is not running.', action: 'launch' }]);
  }
  switch (container.state) {
    case 'exited':
    case 'dead':
      if (container.oomKilled) {
        return done([{ state: 'error', code: 'crashed-oom', message: 'The gateway ran out of memory and was stopped by Docker; give Docker more memory, then launch it again.', action: 'launch', reason: 'gateway-exited' }]);
      }
      if (container.exitCode && container.exitCode !== 0) {
        // Launch is what fixes it: it re-renders the config when stale and recreates the container.
        const how = container.exitCode === 137 ? ' (killed)' : '';
        return done([{ state: 'error', code: 'crashed', message: `The gateway exited with code ${container.exitCode}${how}; launch it again to recreate it, or see its logs.`, action: 'launch', reason: 'gateway-exited' }]);
      }
      return done([{ state: 'stopped', code: 'stopped', message: 'The gateway is stopped.', action: 'launch' }]);
    case 'created':
    case 'removing':
      return done([{ state: 'stopped', code: 'not-started', message: 'The gateway container exists but is not running.', action: 'launch' }]);
    case 'restarting':
      // With the restart policy a gateway that cannot start (a stale config, say) loops here for ever.
      if (container.exitCode && container.exitCode !== 0) {
        return done([{ state: 'error', code: 'crash-loop', message: `The gateway keeps exiting (code ${container.exitCode}) and Docker keeps restarting it; launch it again to re-render its config and recreate it, or see its logs.`, action: 'launch', reason: 'gateway-exited' }]);
      }
      return done([{ state: 'starting', code: 'restarting', message: 'Docker is restarting the gateway.' }]);
    case 'paused':
      return done([pausedFinding(input, opts.lostAfterMs ?? DEFAULT_LOST_AFTER_MS)]);
    case 'running':
      return done(runningFindings(input, opts.lostAfterMs ?? DEFAULT_LOST_AFTER_MS));
  }
}

/**
 * A paused container sends no heartbeat (a laptop's sleep looks the same), so its state follows the
 * heartbeats like any other gateway's: Lost once the last one is older than the lost threshold, or once
 * the control plane says so. "paused" stays the code, as it says why.
 */
function pausedFinding(input: StatusInputs, lostAfterMs: number): Finding {
  const { now, agent, instance } = input;
  const record = instance && instance !== 'unreachable' ? instance : undefined;
  const since = ageMs(now, record?.lastSeenTime ?? agent?.last_success_at);
  const recordLost = record?.status === 'Lost Connection' || record?.status === 'Offline';
  if (recordLost || (since !== undefined && since > lostAfterMs)) {
    const age = since !== undefined ? ` for ${Math.round(since / 1000)} s` : '';
    return { state: 'lost', code: 'paused', message: `The gateway container is paused, so no heartbeat has reached the control plane${age}; unpause it in Docker (after a sleep it resumes by itself).` };
  }
  return { state: 'degraded', code: 'paused', message: 'The gateway container is paused; unpause it in Docker.' };
}

/** What each control-plane problem reads as, and what fixes it. */
const PROBLEM_TEXT: Record<ControlPlaneProblem['reason'], { degraded: string; lost: string; fix?: string; action?: Finding['action'] }> = {
  'token-refused': {
    degraded: "The control plane refused this profile's token (revoked or expired)",
    lost: "The control plane also refuses this profile's token: set a new one.",
    fix: "Set a new token: 'gateway-tray profiles set-token NAME --token-stdin', or Settings, Profiles.",
  },
  'token-missing': {
    degraded: 'No token is stored for this profile, so the app cannot ask the control plane',
    lost: 'No token is stored for this profile either: set one.',
    fix: "Set it: 'gateway-tray profiles set-token NAME --token-stdin', or Settings, Profiles.",
  },
  'control-plane-down': {
    degraded: 'The control plane is not running (nothing listens at its address)',
    lost: "The control plane is not running: launch again (it starts the local one), or start 'gateway-tray control-plane'.",
    fix: 'Launch again to start it.',
    action: 'launch',
  },
  'control-plane-unreachable': {
    degraded: 'The control plane does not answer the app',
    lost: 'The control plane does not answer the app either.',
    action: 'retry',
  },
};

function runningFindings(input: StatusInputs, lostAfterMs: number): Finding[] {
  const { now, container, agent, instance, certificate } = input;
  const findings: Finding[] = [];

  if (certificate) {
    if (now >= certificate.notAfter) {
      findings.push({ state: 'error', code: 'cert-expired', message: `The gateway's certificate expired on ${new Date(certificate.notAfter).toISOString()}; renew it.`, action: 'renew-cert', reason: 'certificate-expired' });
    } else if (certificate.needsRenewal) {
      findings.push({ state: 'degraded', code: 'cert-expiring', message: `The gateway's certificate expires on ${new Date(certificate.notAfter).toISOString()}; renew it.`, action: 'renew-cert' });
    }
  }

  const registered = Boolean(agent?.registered_at) || (instance !== undefined && instance !== null && instance !== 'unreachable');
  const agentError = agent?.last_error ? `: ${agent.last_error}` : '';
  if (!registered) {
    const upFor = container?.startedAt ? now - container.startedAt : 0;
    if (upFor <= (input.registerGraceMs ?? DEFAULT_REGISTER_GRACE_MS)) {
      findings.push({ state: 'starting', code: 'registering', message: `Waiting for the first heartbeat${agentError}` });
    } else if (agent === undefined && instance === undefined) {
      // Neither the agent nor the control plane has been asked yet: saying "silent" would be a false alarm.
      findings.push({ state: 'starting', code: 'checking', message: "Looking for the gateway's heartbeat…" });
    } else if (agent) {
      findings.push({ state: 'lost', code: 'never-registered', message: `The gateway has not registered with its control plane${agentError}`, action: 'show-logs' });
    } else {
      findings.push({ state: 'error', code: 'agent-silent', message: 'The gateway agent has not reported anything; see the gateway logs.', action: 'show-logs' });
    }
    return findings;
  }

  const sinceSuccess = ageMs(now, agent?.last_success_at);
  if (instance === 'unreachable') {
    const problem = input.controlPlaneProblem ?? { reason: 'control-plane-unreachable', detail: '' };
    if (sinceSuccess !== undefined && sinceSuccess > lostAfterMs) {
      findings.push({
        state: 'lost',
        code: 'control-plane-unreachable',
        message: `No heartbeat has reached the control plane for ${Math.round(sinceSuccess / 1000)} s${agentError}. ${PROBLEM_TEXT[problem.reason].lost}`,
        action: problem.reason === 'control-plane-down' ? 'launch' : 'restart',
        reason: problem.reason,
      });
    } else {
      const failing = agent !== undefined && agent !== null && agent.consecutive_failures >= TRANSIENT_FAILURES;
      // "Still heartbeating" only when the agent's file says so; unknown is not healthy.
      const beat = failing ? `; the gateway's heartbeats fail too${agentError}` : sinceSuccess !== undefined ? '; the gateway is still heartbeating.' : '.';
      const text = PROBLEM_TEXT[problem.reason];
      findings.push({
        state: 'degraded',
        code: problem.reason === 'control-plane-unreachable' ? 'control-plane-unanswered' : problem.reason,
        message: `${text.degraded}${beat}${text.fix ? ` ${text.fix.replace('NAME', input.profile)}` : ''}`,
        ...(text.action ? { action: text.action } : {}),
        reason: problem.reason,
      });
    }
  } else if (instance === null) {
    findings.push({ state: 'degraded', code: 'unknown-to-control-plane', message: 'The control plane has no record of this gateway; it will register again with its next heartbeat.' });
  } else if (instance) {
    if (instance.status === 'Lost Connection' || instance.status === 'Offline') {
      findings.push({ state: 'lost', code: 'heartbeat-lost', message: `The control plane has not heard from the gateway since ${instance.lastSeenTime ?? 'it registered'}${agentError}`, action: 'restart' });
    } else if (instance.status === 'Only Heartbeats') {
      findings.push({
        state: 'degraded',
        code: 'config-centre-down',
        message: "The gateway heartbeats, but the control plane's config centre (etcd) does not answer it, so it gets no configuration. Launch again to restart the config centre (or check etcd), then the gateway picks it up by itself.",
        action: 'launch',
        reason: 'config-centre-down',
      });
    }
  }
  if (agent && agent.consecutive_failures >= TRANSIENT_FAILURES && !findings.some((f) => f.state === 'lost')) {
    findings.push({ state: 'degraded', code: 'heartbeat-failing', message: `The last ${agent.consecutive_failures} heartbeat(s) failed${agentError}` });
  }
  if (findings.length === 0) findings.push({ state: 'healthy', code: 'healthy', message: 'Registered and heartbeating.' });
  return findings;
}
