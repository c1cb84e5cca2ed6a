import type { Checker } from './types.ts';

/** Beyond this the control plane's view of "last heartbeat" and certificate validity stop agreeing with ours. */
export const MAX_SKEW_MS = 5000;

/** Skew between two clocks from one HTTP exchange: the server's Date (1 s resolution) against our midpoint. */
export function estimateSkewMs(sentAt: number, receivedAt: number, serverDate: string): number | undefined {
  const server = Date.parse(serverDate);
  if (Number.isNaN(server)) return undefined;
  // The Date header is truncated to the second: compare with the middle of that second.
  return server + 500 - (sentAt + receivedAt) / 2;
}

export const clockSkewCheck: Checker = {
  id: 'clock-skew',
  title: 'Clock',
  async run({ apiUrl, now }) {
    if (!apiUrl) return { status: 'skip', detail: 'no control plane to compare with' };
    const clock = now ?? Date.now;
    try {
      const sentAt = clock();
      const res = await fetch(`${apiUrl.replace(/\/+$/, '')}/api/v1/user/me`, { signal: AbortSignal.timeout(5000) });
      const receivedAt = clock();
      await res.body?.cancel();
      const date = res.headers.get('date');
      const skew = date ? estimateSkewMs(sentAt, receivedAt, date) : undefined;
      if (skew === undefined) return { status: 'skip', detail: 'the control plane sends no Date header' };
      const abs = Math.abs(skew);
      const detail = `this machine is ${Math.round(abs / 100) / 10} s ${skew > 0 ? 'behind' : 'ahead of'} the control plane`;
      if (abs <= MAX_SKEW_MS) return { status: 'ok', detail };
      return { status: 'warn', detail, fix: 'Turn on automatic time synchronisation (NTP); certificates and heartbeat ages depend on it.' };
    } catch (err) {
      return { status: 'skip', detail: `could not reach the control plane (${err instanceof Error ? err.message : String(err)})` };
    }
  },
};
