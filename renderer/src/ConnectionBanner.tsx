import { useEffect, useState } from 'react';
import { t } from '../../src/contract/i18n.ts';

/** Says so when the bridge connection drops (browser mode); silent in Electron. */
export function ConnectionBanner({ subscribe }: { subscribe?: (fn: (up: boolean) => void) => () => void }) {
  const [down, setDown] = useState(false);
  useEffect(() => subscribe?.((up) => setDown(!up)), [subscribe]);
  return down ? (
    <p className="banner" role="alert">
      {t('app.disconnected')}
    </p>
  ) : null;
}
