import { ageText } from '../common/format.ts';
import { useNow } from '../hooks/use-now.ts';

/** The age of the last heartbeat, ticking every second. */
export function HeartbeatAge({ at }: { at: string | undefined }) {
  const now = useNow();
  return <span data-testid="heartbeat-age">{ageText(at, now)}</span>;
}
