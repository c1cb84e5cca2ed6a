import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { waitFor } from './wait-for.ts';

/**
 * A dockerd of a test's own, never the system one: its own socket, data, exec root (and so its own
 * containerd namespace), pid file and config file. It runs in its own network namespace because
 * `--bridge=none` makes dockerd delete the host's `docker0` bridge, which the system daemon needs (found
 * the hard way on Docker 20.10); its containers therefore have no network. It can be stopped and started
 * again on the same data, as a Docker restart or a reboot would.
 */
export class PrivateDockerd {
  readonly dir: string;
  readonly socket: string;
  private readonly namespace: string;
  private child: ChildProcess | undefined;

  constructor(label: string) {
    this.dir = mkdtempSync(join(tmpdir(), `gt-dockerd-${label}-`));
    this.socket = join(this.dir, 'docker.sock');
    this.namespace = `gt-${label}-${process.pid}`;
  }

  /** dockerd's own pid (`unshare` execs it), while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The pid dockerd itself wrote, to check that the pid we stop is dockerd's. */
  pidFile(): number {
    return Number(readFileSync(join(this.dir, 'pid'), 'utf8'));
  }

  /** Starts dockerd without waiting for it. */
  spawn(): void {
    writeFileSync(join(this.dir, 'daemon.json'), '{}');
    const log = openSync(join(this.dir, 'dockerd.log'), 'a');
    const d = this.dir;
    this.child = spawn('unshare', [
      '--net', 'dockerd',
      '-H', `unix://${this.socket}`,
      '--data-root', join(d, 'data'), '--exec-root', join(d, 'exec'),
      '--pidfile', join(d, 'pid'), '--config-file', join(d, 'daemon.json'),
      '--containerd-namespace', this.namespace, '--containerd-plugins-namespace', `${this.namespace}-plugins`,
      '--bridge=none', '--iptables=false',
    ], { stdio: ['ignore', log, log] });
    closeSync(log);
  }

  /** Starts dockerd and waits until it answers; the error carries the end of its log. */
  async start(): Promise<Docker> {
    this.spawn();
    return this.waitUntilUp();
  }

  async waitUntilUp(): Promise<Docker> {
    const docker = new Docker({ socketPath: this.socket });
    try {
      await waitFor(() => docker.ping().then(() => true), { what: `the private dockerd to answer at ${this.socket}`, timeoutMs: 60_000, intervalMs: 250 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- dockerd log ---\n${this.logTail()}`, { cause: err });
    }
    return docker;
  }

  /** SIGTERM, then SIGKILL after 30 s; resolves once dockerd has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  logTail(): string {
    try {
      return readFileSync(join(this.dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
