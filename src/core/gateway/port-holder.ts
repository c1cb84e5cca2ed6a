import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid?: number;
  /** The process's name and command line, when /proc lets us read them. */
  command?: string;
}

/** The socket inodes listening on `port` (any address), from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): string[] {
  const inodes: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // st 0A is LISTEN; the inode is the tenth column.
      if (!local || cols[3] !== '0A' || cols[9] === undefined) continue;
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port) inodes.push(cols[9]);
    }
  }
  return inodes;
}

/**
 * Who listens on a TCP port of this machine, best effort (Linux): the socket's inode from /proc/net/tcp,
 * then the process whose /proc/<pid>/fd holds it. Other users' processes (or a container's, through
 * docker-proxy) may only show that the port is taken: undefined then.
 */
export function findPortHolder(port: number): PortHolder | undefined {
  const inodes = new Set(listeningInodes(port).map((i) => `socket:[${i}]`));
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return {};
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!inodes.has(target)) continue;
      let command: string | undefined;
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 200);
      } catch {
        command = undefined;
      }
      return { pid: Number(pid), ...(command ? { command } : {}) };
    }
  }
  return {};
}

/** "pid 123 (nc -l 7443)", "another user's process", or "" when nothing listens. */
export function describePortHolder(holder: PortHolder | undefined): string {
  if (!holder) return '';
  if (holder.pid === undefined) return "a process this user can't inspect (another user's, or a container's)";
  return `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`;
}
