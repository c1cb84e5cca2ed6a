import { describeAge } from '../tray/tray-model.ts';
import { watchSession } from '../status/session-watcher.ts';
import type { Checker } from './types.ts';

/**
 * The gateway's own state, as `status` shows it: whether it runs and heartbeats, and how old its last
 * heartbeat is. Without it, doctor said all was well while heartbeats had stopped.
 */
export const gatewayCheck: Checker = {
  id: 'gateway',
  title: 'Gateway heartbeat',
  async run(ctx) {
    const { now } = ctx;
    const watcher = watchSession(ctx);
    let s;
    try {
      s = await watcher.settled();
    } finally {
      watcher.dispose();
    }
    if (!s) return { status: 'warn', detail: 'the status could not be read in time', fix: "Run 'gateway-tray status'." };
    const at = (now ?? Date.now)();
    const age = s.lastHeartbeatAt ? `; last heartbeat ${describeAge(at - Date.parse(s.lastHeartbeatAt))}` : '';
    const why = s.reasons.map((r) => r.message).join(' ');
    if (s.state === 'healthy') return { status: 'ok', detail: `registered and heartbeating${age}` };
    if (s.state === 'stopped') return { status: 'skip', detail: `not running (${why})` };
    const action = s.reasons.find((r) => r.action)?.action;
    const fix = action === 'launch' ? "Run 'gateway-tray launch'." : action === 'restart' ? "Run 'gateway-tray restart'." : action === 'renew-cert' ? "Run 'gateway-tray renew-cert'." : "See 'gateway-tray status' and 'gateway-tray logs'.";
    return { status: s.state === 'starting' || s.state === 'degraded' ? 'warn' : 'fail', detail: `${s.state}: ${why}${age}`, fix };
  },
};
