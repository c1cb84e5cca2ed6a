import { useCallback } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { useToast } from '../common/toast-context.ts';
import { StatePill } from './StatePill.tsx';

/** The section's title, the profile switcher and the gateway's state pill. */
export function Header({ snapshot, title }: { snapshot: StatusSnapshot; title: string }) {
  const api = useApi();
  const toast = useToast();
  const profiles = useLive(useCallback(() => api.listProfiles(), [api]), ['settingsChanged']);
  const switchTo = async (name: string) => {
    try {
      await api.useProfile({ name });
      toast({ tone: 'ok', text: t('header.switched', { name }) });
    } catch (e) {
      toast({ tone: 'bad', text: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <header className="topbar">
      <h1 className="page-title" id="page-title" tabIndex={-1}>
        {title}
      </h1>
      <div className="topbar-end">
        <label className="inline-label">
          <span className="label-text">{t('header.profile')}</span>
          <select value={snapshot.profile.name} onChange={(e) => void switchTo(e.target.value)} data-testid="profile-switcher">
            {(profiles.data ?? [snapshot.profile]).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} · {p.kind === 'local' ? t('settings.kindLocal') : t('settings.kindCloud')}
              </option>
            ))}
          </select>
        </label>
        <StatePill state={snapshot.status.state} testId="state-pill" />
      </div>
    </header>
  );
}
