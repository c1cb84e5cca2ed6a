import { absoluteText, relativeText } from './format.ts';
import { useNow } from '../hooks/use-now.ts';

/** A time as the UI shows every time: relative ("3 min ago"), with the absolute one on hover. */
export function RelativeTime({ at, testId }: { at: string | number | undefined; testId?: string }) {
  const now = useNow();
  if (at === undefined || at === '') return <span data-testid={testId}>{relativeText(undefined, now)}</span>;
  const iso = new Date(at).toISOString();
  return (
    <time dateTime={iso} title={absoluteText(at)} data-testid={testId}>
      {relativeText(at, now)}
    </time>
  );
}
