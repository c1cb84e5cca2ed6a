import { useEffect, useRef, useState } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { Components } from '../components/Components.tsx';
import { Dashboard } from '../dashboard/Dashboard.tsx';
import type { NavigateFix } from '../dashboard/StateCard.tsx';
import { useConnectionState } from '../hooks/connection-context.ts';
import { Logs } from '../logs/Logs.tsx';
import { Routes } from '../routes/Routes.tsx';
import { Settings, type SettingsTarget } from '../settings/Settings.tsx';
import { Header } from './Header.tsx';
import { sectionLabel, type SectionId } from './sections.ts';
import { Sidebar } from './Sidebar.tsx';

/**
 * The window after onboarding: sidebar, header, the section. After a section is chosen, focus moves to
 * its title, so a screen reader announces where it landed and Tab goes on from there. While the bridge
 * is down the section is greyed and inert: its values may be stale, its buttons would not reach anything.
 */
export function AppShell({ snapshot }: { snapshot: StatusSnapshot }) {
  const [section, setSection] = useState<SectionId>('dashboard');
  // Bumped on every choice, the current section included: focus goes to its title each time.
  const [visit, setVisit] = useState(0);
  const moved = useRef(false);
  const connection = useConnectionState();
  const offline = connection === 'down' || connection === 'refused';
  useEffect(() => {
    if (!moved.current) return;
    document.getElementById('page-title')?.focus();
  }, [section, visit]);
  const [target, setTarget] = useState<SettingsTarget>();
  const go = (id: SectionId) => {
    moved.current = true;
    setSection(id);
    setVisit((v) => v + 1);
  };
  // A reason's fix opens the form that fixes it: focus goes to its field instead of the page title.
  const fixIn = (fix: NavigateFix) => {
    if (fix === 'components') return go('components');
    moved.current = false;
    const focus = fix === 'set-token' ? `token-${snapshot.profile.name}` : fix === 'image' ? 'gateway-image' : fix === 'ports' ? 'port-proxyHttp' : undefined;
    setTarget({ part: fix === 'ports' || fix === 'image' ? 'gateway' : 'profiles', ...(focus ? { focus } : {}), tokenFor: fix === 'set-token' ? snapshot.profile.name : undefined, nonce: Date.now() });
    setSection('settings');
  };
  return (
    <div className="shell" data-offline={offline || undefined}>
      <Sidebar
        current={section}
        onSelect={(id) => {
          setTarget(undefined);
          go(id);
        }}
      />
      <div className="content" inert={offline}>
        <Header snapshot={snapshot} title={t(sectionLabel(section))} />
        <main className="page" aria-labelledby="page-title" data-section={section}>
          {section === 'dashboard' ? <Dashboard snapshot={snapshot} onShowLogs={() => go('logs')} onAddRoute={() => go('routes')} onNavigate={fixIn} /> : null}
          {section === 'routes' ? <Routes snapshot={snapshot} /> : null}
          {section === 'logs' ? <Logs /> : null}
          {section === 'components' ? <Components snapshot={snapshot} /> : null}
          {section === 'settings' ? <Settings snapshot={snapshot} {...(target ? { target } : {})} /> : null}
        </main>
      </div>
    </div>
  );
}
