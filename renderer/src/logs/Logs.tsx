import { useEffect, useMemo, useState } from 'react';
import type { LogLineView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { ScrollText } from 'lucide-react';
import { EmptyState } from '../common/EmptyState.tsx';
import { ErrorNote } from '../common/ErrorNote.tsx';

const KEEP = 2000;

/** The gateway's log, followed live, with a filter; lines from standard error carry a "!" (explained). Following stops when the page is left. */
export function Logs() {
  const api = useApi();
  const [lines, setLines] = useState<LogLineView[]>([]);
  const [filter, setFilter] = useState('');
  const [follow, setFollow] = useState(true);
  const [ended, setEnded] = useState(false);
  const [error, setError] = useState<Error>();
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (!follow) return;
    let followId: string | undefined;
    let cancelled = false;
    setEnded(false);
    setError(undefined);
    setLines([]);
    const off = api.on('logLines', (e) => {
      if (e.followId !== followId) return;
      if (e.lines.length) setLines((prev) => [...prev, ...e.lines].slice(-KEEP));
      if (e.ended) setEnded(true);
    });
    api.followLogs({ tail: 200 }).then(
      (r) => {
        followId = r.followId;
        if (cancelled) void api.unfollowLogs({ followId: r.followId });
      },
      (e: unknown) => setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      cancelled = true;
      off();
      if (followId) void api.unfollowLogs({ followId }).catch(() => undefined);
    };
  }, [api, follow, round]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? lines.filter((l) => l.line.toLowerCase().includes(f)) : lines;
  }, [lines, filter]);

  return (
    <section aria-labelledby="logs-h" className="logs card">
      <h2 id="logs-h">{t('logs.title')}</h2>
      <p className="muted small" data-testid="stderr-legend">
        <span className="stderr-mark" aria-hidden="true">
          !
        </span>{' '}
        {t('logs.stderrLegend')}
      </p>
      <div className="toolbar">
        <label>
          {t('logs.filter')}
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
        <label className="choice">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          {t('logs.follow')}
        </label>
      </div>
      <ErrorNote error={error} onRetry={() => setRound((r) => r + 1)} />
      {shown.length === 0 ? (
        <EmptyState icon={ScrollText} title={lines.length === 0 ? t('logs.empty') : t('logs.noMatch')}>
          {lines.length === 0 ? t('logs.emptyBody') : t('logs.noMatchBody')}
        </EmptyState>
      ) : null}
      <pre role="log" aria-live="polite" aria-label={t('logs.title')} tabIndex={0} className="log-lines" hidden={shown.length === 0}>
        {shown.map((l, i) => (
          <span key={i} className={l.stream === 'stderr' ? 'line stderr' : 'line'}>
            {l.stream === 'stderr' ? <span className="stderr-mark" title={t('logs.stderrTitle')}>! </span> : null}
            {l.line}
            {'\n'}
          </span>
        ))}
      </pre>
      {ended ? (
        <p role="status">
          {t('logs.ended')}{' '}
          <button type="button" onClick={() => setRound((r) => r + 1)}>
            {t('logs.restart')}
          </button>
        </p>
      ) : null}
    </section>
  );
}
