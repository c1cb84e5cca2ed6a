import { LAUNCH_STAGES, STAGE_TITLES, type LaunchProgress, type LaunchStage } from '../core/gateway/types.ts';

/** Where progress goes: stderr, so stdout stays clean for --json and pipes. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface ProgressReporter {
  update(progress: LaunchProgress): void;
  /** Ends the display (a redrawn line gets its newline). */
  finish(): void;
}

/** `[#########-----------]  45%` */
export function renderBar(percent: number, width = 24): string {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  const filled = Math.round((p / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(p).padStart(3)}%`;
}

function stepOf(stage: LaunchStage): string {
  return `[${LAUNCH_STAGES.indexOf(stage) + 1}/${LAUNCH_STAGES.length}]`;
}

const MARK: Record<LaunchProgress['status'], string> = { start: '…', progress: '…', done: '✓', skipped: '–' };

/** Bytes so far of the image pull or of the module download, whichever this event carries. */
function transferOf(p: LaunchProgress): { percent: number; currentBytes: number; totalBytes: number } | undefined {
  return p.pull ?? p.download;
}

function megabytes(t: { currentBytes: number; totalBytes: number }): string {
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  return t.totalBytes > 0 ? `${mb(t.currentBytes)}/${mb(t.totalBytes)} MB` : `${mb(t.currentBytes)} MB`;
}

/** One plain line for a progress event (logs, CI, pipes). Pull and download progress only at whole 25 % steps. */
export function plainLine(p: LaunchProgress): string {
  const t = transferOf(p);
  const percent = t ? ` ${t.percent}%` : '';
  return `${stepOf(p.stage)} ${STAGE_TITLES[p.stage]}: ${p.status === 'done' ? 'done' : p.status}${percent} - ${p.message}`;
}

/** The line a terminal shows for a stage, redrawn in place while the stage runs. */
export function ttyLine(p: LaunchProgress, columns = 100): string {
  const head = `${MARK[p.status]} ${stepOf(p.stage)} ${STAGE_TITLES[p.stage].padEnd(24)}`;
  const t = transferOf(p);
  const body = t && p.status === 'progress' ? `${renderBar(t.percent)} ${megabytes(t)}` : p.message;
  const line = `${head} ${body}`;
  return line.length > columns - 1 ? `${line.slice(0, columns - 2)}…` : line;
}

/**
 * Progress bars on a terminal (one line per stage, the running one redrawn in place), plain lines
 * otherwise, nothing when `quiet`.
 */
export function createProgressReporter(stream: ProgressStream, opts: { quiet?: boolean } = {}): ProgressReporter {
  if (opts.quiet) return { update() {}, finish() {} };
  if (!stream.isTTY) {
    let lastQuarter = -1;
    return {
      update(p) {
        const t = transferOf(p);
        if (p.status === 'progress' && t) {
          const quarter = Math.floor(t.percent / 25);
          if (quarter === lastQuarter) return;
          lastQuarter = quarter;
        } else if (p.status === 'progress') {
          return; // waiting messages would flood a log
        }
        stream.write(`${plainLine(p)}\n`);
      },
      finish() {},
    };
  }
  let open = false;
  return {
    update(p) {
      const line = ttyLine(p, stream.columns ?? 100);
      stream.write(`\r\x1b[2K${line}`);
      open = p.status !== 'done' && p.status !== 'skipped';
      if (!open) stream.write('\n');
    },
    finish() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}
