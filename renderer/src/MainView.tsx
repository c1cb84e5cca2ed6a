import { useState } from 'react';
import type { StatusSnapshot } from '../../src/contract/ipc-contract.ts';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { Logs } from './logs/Logs.tsx';
import { Routes } from './routes/Routes.tsx';
import { Settings } from './settings/Settings.tsx';
import { Tabs, type TabId } from './Tabs.tsx';

/** The window after onboarding: Dashboard, Routes, Logs and Settings. */
export function MainView({ snapshot }: { snapshot: StatusSnapshot }) {
  const [tab, setTab] = useState<TabId>('dashboard');
  return (
    <>
      <Tabs current={tab} onSelect={setTab} />
      <main role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={0}>
        {tab === 'dashboard' ? <Dashboard snapshot={snapshot} onShowLogs={() => setTab('logs')} /> : null}
        {tab === 'routes' ? <Routes /> : null}
        {tab === 'logs' ? <Logs /> : null}
        {tab === 'settings' ? <Settings snapshot={snapshot} /> : null}
      </main>
    </>
  );
}
