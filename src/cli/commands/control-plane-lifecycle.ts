import { gatewayTrayHome } from '../../core/config/home.ts';
import { openLocalEngine } from '../../core/engine/engine.ts';
import { controlPlaneStatus, stopBackgroundControlPlane } from '../../core/gateway/background-control-plane.ts';
import { readBackgroundRecord } from '../../core/gateway/background-record.ts';
import type { CliIO } from '../command.ts';
import { parseFlags } from '../flags.ts';
import { clusterStatusLines, readClusterStatus } from './control-plane-cluster-status.ts';

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`;
}

/**
 * `control-plane status`: exit 0 running and answering, 1 running but not answering, 3 none. A `--cluster`
 * replica adds its cluster part (replicas seen, etcd, members, prefix); etcd down there is not a failure of
 * the replica, which serves what it holds, so the exit code stays 0.
 */
export async function statusCommand(args: string[], io: CliIO, usage: string): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' } }, usage);
  const home = gatewayTrayHome(io.env);
  const st = await controlPlaneStatus(home);
  // Only a `--cluster` replica has this part; asked only of one that answers.
  const cluster = st.healthy ? await readClusterStatus(home) : undefined;
  if (values.json) {
    io.out(JSON.stringify(cluster ? { ...st, cluster } : st));
  } else if (st.kind === 'none') {
    io.out(`No control plane runs for this home${st.problem ? ` (${st.problem})` : ''}.`);
  } else {
    const who = st.kind === 'background' ? `pid ${st.pid}, started in the background by 'launch'` : 'run by another process (the desktop app, ui --web or a terminal)';
    io.out(`Control plane: ${st.healthy ? 'running' : 'running, but it does not answer'} (${who})`);
    if (st.apiUrl) io.out(`  management API  ${st.apiUrl}`);
    if (st.dataPlaneUrl) io.out(`  data plane      ${st.dataPlaneUrl}`);
    if (st.uptimeMs !== undefined) io.out(`  uptime          ${formatUptime(st.uptimeMs)} (since ${st.startedAt})`);
    if (st.problem) io.out(`  problem         ${st.problem}`);
    if (cluster) for (const line of clusterStatusLines(cluster)) io.out(line);
  }
  if (!values.json && st.etcd) {
    const owner = st.etcd.pid !== undefined ? `pid ${st.etcd.pid}` : st.etcd.container ? `container ${st.etcd.container.slice(0, 12)}` : 'not started by this app';
    io.out(`etcd: ${st.etcd.healthy ? 'healthy' : 'does not answer'} at ${st.etcd.url} (${owner}${st.etcd.startedByControlPlane ? ', stopped with the control plane' : ''})`);
  }
  if (!st.running) return 3;
  return st.healthy ? 0 : 1;
}

/** `control-plane stop`: the background control plane and the etcd it started; exit 3 when none runs. */
export async function stopCommand(args: string[], io: CliIO, usage: string): Promise<number> {
  parseFlags(args, {}, usage);
  const home = gatewayTrayHome(io.env);
  const record = readBackgroundRecord(home);
  // Only an etcd container needs the engine; a process is stopped by its pid.
  const engine = record?.etcd?.container ? openLocalEngine({ env: io.env }).engine : undefined;
  const result = await stopBackgroundControlPlane(home, engine ? { engine } : {});
  for (const line of result.lines) io.out(line);
  return result.stopped ? 0 : 3;
}
