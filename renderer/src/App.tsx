import { useCallback, useEffect } from 'react';
import { t } from '../../src/contract/i18n.ts';
import { useApi } from './hooks/api-context.ts';
import { useLive } from './hooks/use-live.ts';
import { useNotices } from './hooks/use-notices.ts';
import { ErrorNote } from './common/ErrorNote.tsx';
import { AppShell } from './layout/AppShell.tsx';
import { Logo } from './layout/Logo.tsx';
import { Wizard } from './wizard/Wizard.tsx';

/** Reads the status snapshot (again on every change) and shows the wizard until onboarding is done. */
export function App() {
  const api = useApi();
  useNotices();
  const snap = useLive(useCallback(() => api.getStatus(), [api]), ['statusChanged', 'settingsChanged', 'launchProgress']);
  const theme = snap.data?.settings.theme ?? 'system';
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  if (!snap.data) {
    return (
      <main className="splash">
        <Logo size={48} />
        <h1>{t('app.title')}</h1>
        {snap.error ? <ErrorNote error={snap.error} onRetry={snap.reload} /> : <p role="status">{t('app.loading')}</p>}
      </main>
    );
  }
  return snap.data.settings.onboarded ? <AppShell snapshot={snap.data} /> : <Wizard snapshot={snap.data} />;
}
