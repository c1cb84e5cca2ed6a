import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { alive } from './background-process.ts';
import { backgroundRecordFile, readBackgroundRecord, type BackgroundRecord } from './background-record.ts';
import { etcdHealthy, stopLocalEtcd, stopPid } from './etcd-process.ts';
import { readEtcdRecord } from './etcd-record.ts';
import { loadEtcdClientTls } from './etcd-tls.ts';
import { controlPlaneDir, locateLocalControlPlane } from './local-control-plane.ts';

export interface ControlPlaneStatus {
  /** background: started by `launch`; other: answers, but runs elsewhere (the desktop app, ui --web, a terminal). */
  kind: 'background' | 'other' | 'none';
  running: boolean;
  healthy: boolean;
  pid?: number;
  apiUrl?: string;
  dataPlaneUrl?: string;
  startedAt?: string;
  uptimeMs?: number;
  problem?: string;
  etcd?: { url: string; healthy: boolean; pid?: number; container?: string; startedByControlPlane: boolean };
}

function pidFromFile(home: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(controlPlaneDir(home), 'control-plane.pid'), 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** On Linux, whether `pid` is `gateway-tray control-plane` on this home's data folder (a recycled pid is someone else). */
export function isOurControlPlaneProcess(pid: number, home: string): boolean {
  if (!alive(pid)) return false;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.includes('control-plane') && args.includes(controlPlaneDir(home));
  } catch {
    // No /proc (macOS): the live pid is the best we know.
    return true;
  }
}

/** What runs for this home: the background control plane (pid, ports, uptime), its health and its etcd's. */
export async function controlPlaneStatus(home: string, now = Date.now()): Promise<ControlPlaneStatus> {
  const record = readBackgroundRecord(home);
  const pid = record?.pid ?? pidFromFile(home);
  const running = pid !== undefined && isOurControlPlaneProcess(pid, home);
  const located = await locateLocalControlPlane(home);
  const healthy = 'info' in located;
  const etcdRecord = readEtcdRecord(home);
  const etcdUrl = record?.etcd?.url ?? etcdRecord?.url;
  const etcd = etcdUrl
    ? {
        url: etcdUrl,
        healthy: await etcdHealthy(etcdUrl, 1500, etcdUrl.startsWith('https:') ? loadEtcdClientTls(home) : undefined),
        ...(record?.etcd?.pid !== undefined ? { pid: record.etcd.pid } : etcdRecord && 'pid' in etcdRecord ? { pid: etcdRecord.pid } : {}),
        ...(record?.etcd?.container ? { container: record.etcd.container } : etcdRecord && 'container' in etcdRecord ? { container: etcdRecord.container } : {}),
        startedByControlPlane: record?.etcd?.started === true,
      }
    : undefined;
  const base = {
    ...(healthy ? { apiUrl: located.info.apiUrl, dataPlaneUrl: located.info.dataPlaneUrl } : { problem: located.problem }),
    ...(etcd ? { etcd } : {}),
  };
  if (running) {
    return {
      kind: 'background',
      running: true,
      healthy,
      pid,
      ...(record ? { startedAt: record.startedAt, uptimeMs: Math.max(0, now - Date.parse(record.startedAt)) } : {}),
      ...base,
    };
  }
  return { kind: healthy ? 'other' : 'none', running: healthy, healthy, ...base };
}

export interface StopResult {
  stopped: boolean;
  lines: string[];
}

/**
 * The etcd that background.json names, or the one started in its place since. The control plane's
 * supervisor starts a killed etcd again on the same address and writes etcd.json as it starts it,
 * background.json just after: a stop read between the two writes, or a control plane stopped between
 * them, would otherwise leave the new etcd running.
 */
export function currentEtcd(home: string, recorded: { url: string; pid?: number | undefined; container?: string | undefined }): { url: string; pid?: number; container?: string } {
  const now = readEtcdRecord(home);
  if (!now || now.url !== recorded.url) return { url: recorded.url, ...(recorded.pid !== undefined ? { pid: recorded.pid } : {}), ...(recorded.container ? { container: recorded.container } : {}) };
  return { url: now.url, ...('pid' in now ? { pid: now.pid } : { container: now.container }) };
}

/**
 * Stops the background control plane by its pid and waits until it is gone, then the etcd it started
 * (never one it only adopted). A control plane that runs elsewhere is left alone, saying where.
 */
export async function stopBackgroundControlPlane(home: string, opts: { engine?: Engine; graceMs?: number } = {}): Promise<StopResult> {
  const record: BackgroundRecord | undefined = readBackgroundRecord(home);
  const pid = record?.pid ?? pidFromFile(home);
  const lines: string[] = [];
  if (pid === undefined || !isOurControlPlaneProcess(pid, home)) {
    const located = await locateLocalControlPlane(home);
    if ('info' in located) {
      lines.push(`The control plane at ${located.info.apiUrl} was not started in the background by 'launch' (the desktop app, 'ui --web' or a terminal runs it); stop it there.`);
    } else {
      lines.push('No background control plane is running.');
    }
    return { stopped: false, lines };
  }
  await stopPid(pid, opts.graceMs ?? 15_000);
  lines.push(`Stopped the control plane (pid ${pid}).`);
  if (record?.etcd?.started) {
    const etcd = currentEtcd(home, record.etcd);
    await stopLocalEtcd(home, etcd, opts.engine ? { engine: opts.engine } : {});
    lines.push(`Stopped the etcd it started (${etcd.pid !== undefined ? `pid ${etcd.pid}` : `container ${etcd.container?.slice(0, 12) ?? '?'}`}, ${etcd.url}).`);
  }
  rmSync(backgroundRecordFile(home), { force: true });
  rmSync(join(controlPlaneDir(home), 'control-plane.pid'), { force: true });
  return { stopped: true, lines };
}
