import { findOrphanGateways } from '../../core/app/orphan-gateways.ts';
import { openSession } from '../../core/gateway/session.ts';
import type { GatewayStatus, StatusAction } from '../../core/status/gateway-status.ts';
import { watchSession } from '../../core/status/session-watcher.ts';
import { describeAge, trayModel } from '../../core/tray/tray-model.ts';
import type { CliCommand, CliIO } from '../command.ts';
import { exitCodeOfStatus, STATE_EXIT } from '../exit-codes.ts';
import { PROFILE_FLAG, parseFlags } from '../flags.ts';

const usage = `Usage: gateway-tray status [options]

Shows the gateway's status: stopped, starting, healthy, degraded, lost or error, with the reasons and
what to do. It is built from Docker, the container, the agent's status file and the control plane.

Options:
  -p, --profile NAME   profile (default: the default profile)
  --json               one JSON object (with --watch: one per line, on every change)
  --watch              keep running and print every change until Ctrl-C; it keeps watching while
                       Docker is away (and says so) and resumes when Docker is back

Exit status: 0 when Healthy; otherwise the code of the cause (see README, "Exit codes"), or of the
state: 3 stopped, 4 starting, 5 degraded, 6 lost, 7 error. With --watch, 0 after Ctrl-C.`;

/** What each status action means on the command line. */
const CLI_ACTION: Record<StatusAction, string> = {
  launch: 'gateway-tray launch',
  restart: 'gateway-tray restart',
  stop: 'gateway-tray stop',
  'renew-cert': 'gateway-tray renew-cert',
  'show-logs': 'gateway-tray logs',
  'start-docker': 'start Docker, then: gateway-tray doctor',
  retry: 'gateway-tray launch',
};

/** The tray's status lines (without its heartbeat line, shown below with the time), then the details. */
export function describeStatus(s: GatewayStatus): string[] {
  const lines = trayModel(s).menu.flatMap((m) => (m.type === 'status' && m.id !== 'status-heartbeat' ? [m.label] : []));
  const details: Array<[string, string | undefined]> = [
    ['Instance', s.instanceId],
    ['Container', s.containerId?.slice(0, 12)],
    ['Module', s.module],
    ['Registered', s.registeredAt],
    ['Last heartbeat', s.lastHeartbeatAt ? `${s.lastHeartbeatAt} (${describeAge(s.at - Date.parse(s.lastHeartbeatAt))})` : undefined],
    ['Certificate until', s.certificateNotAfter],
    ['Docker', s.engine.endpoint],
  ];
  const actions = [...new Set(s.reasons.flatMap((r) => (r.action ? [`  → ${CLI_ACTION[r.action]}`] : [])))];
  return [...lines, ...details.filter(([, v]) => v).map(([k, v]) => `  ${k.padEnd(18)} ${v}`), ...(actions.length > 0 && s.state !== 'healthy' ? ['What to do:', ...actions] : [])];
}

function print(io: CliIO, s: GatewayStatus, json: boolean): void {
  if (json) io.out(JSON.stringify(s));
  else io.out(describeStatus(s).join('\n'));
}

/**
 * Keeps --watch alive through an engine outage: every timer of the watcher is unref'd (so the app and
 * tests can exit), and without Docker's events stream nothing else holds the process open.
 */
function holdOpen(): () => void {
  const timer = setInterval(() => undefined, 60_000);
  return () => clearInterval(timer);
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: "Show the gateway's status (--json for scripts, --watch to follow)",
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { ...PROFILE_FLAG, json: { type: 'boolean' }, watch: { type: 'boolean' } }, usage);
    const session = await openSession({ env: io.env, ...(values.profile ? { profile: values.profile } : {}), notice: (l) => io.err(l) });
    const watcher = watchSession(session);
    // Somebody looks for as long as --watch runs: the agent's status file is read once per heartbeat.
    if (values.watch) watcher.look();
    try {
      const first = await watcher.settled();
      if (!values.watch) {
        if (first) print(io, first, Boolean(values.json));
        if (!values.json && first?.engine.ready) {
          const orphans = await findOrphanGateways(session.engine, session.home, session.store.list().map((p) => p.name)).catch(() => []);
          for (const o of orphans) io.out(`Also: ${o.containerName} runs for profile "${o.profile}", which is gone; 'gateway-tray orphans adopt ${o.profile}' or 'orphans remove ${o.profile}'.`);
        }
        return first ? exitCodeOfStatus(first) : STATE_EXIT.starting;
      }
      const release = holdOpen();
      let engineAway = false;
      const show = (s: GatewayStatus): void => {
        print(io, s, Boolean(values.json));
        if (!s.engine.ready && !engineAway) io.err('Docker is not available; still watching, and resuming when it is back (Ctrl-C to stop).');
        else if (s.engine.ready && engineAway) io.err('Docker is back; watching the gateway again.');
        engineAway = !s.engine.ready;
      };
      if (first) show(first);
      watcher.on('status', show);
      try {
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      } finally {
        release();
      }
      return 0;
    } finally {
      watcher.dispose();
    }
  },
};
