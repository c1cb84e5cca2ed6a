import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t, type MessageKey } from '../../../src/contract/i18n.ts';
import { PortsForm } from '../common/PortsForm.tsx';
import { useToast } from '../common/toast-context.ts';
import { PreferencesSection } from './PreferencesSection.tsx';
import { ProfilesSection } from './ProfilesSection.tsx';

const PARTS = ['profiles', 'gateway', 'preferences'] as const;
type Part = (typeof PARTS)[number];

/** Where a reason's fix opens the settings: a part, the field to focus, the profile whose token form to open. */
export interface SettingsTarget {
  part: Part;
  focus?: string;
  tokenFor?: string | undefined;
  /** A new object each time: the same fix asked twice opens it twice. */
  nonce: number;
}

/** Settings in three parts, one at a time: profiles, the current profile's gateway, preferences. */
export function Settings({ snapshot, target }: { snapshot: StatusSnapshot; target?: SettingsTarget }) {
  const [part, setPart] = useState<Part>(target?.part ?? 'profiles');
  useEffect(() => {
    if (!target) return;
    setPart(target.part);
    // The field appears once the part (and, for a token, the profile list) has rendered.
    let tries = 0;
    const timer = setInterval(() => {
      const el = target.focus ? document.getElementById(target.focus) : null;
      tries += 1;
      if (el) {
        el.focus();
        el.scrollIntoView({ block: 'center' });
      }
      if (el || tries > 40) clearInterval(timer);
    }, 50);
    return () => clearInterval(timer);
  }, [target]);
  const toast = useToast();
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const running = Boolean(snapshot.status.containerId) && snapshot.status.state !== 'stopped';
  // Arrow keys move between the parts (WAI-ARIA tabs), Tab goes on into the part.
  const onKey = (e: KeyboardEvent, i: number) => {
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: PARTS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = (to + PARTS.length) % PARTS.length;
    setPart(PARTS[next]!);
    refs.current[next]?.focus();
  };
  return (
    <div className="settings">
      <div role="tablist" aria-label={t('settings.title')} className="segmented">
        {PARTS.map((p, i) => (
          <button
            key={p}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            id={`settings-tab-${p}`}
            aria-selected={part === p}
            aria-controls={`settings-${p}`}
            tabIndex={part === p ? 0 : -1}
            onClick={() => setPart(p)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {t(`settings.part.${p}` as MessageKey)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`settings-${part}`} aria-labelledby={`settings-tab-${part}`}>
        {part === 'profiles' ? <ProfilesSection {...(target?.tokenFor ? { openTokenOf: target.tokenFor } : {})} /> : null}
        {part === 'gateway' ? (
          <section className="card" aria-labelledby="gw-h">
            <h2 id="gw-h">{t('settings.gateway', { name: snapshot.profile.name })}</h2>
            <p className="muted">{running ? t('ports.runningNote', { url: snapshot.gatewayUrl }) : t('ports.stoppedNote')}</p>
            <PortsForm
              profile={snapshot.profile}
              running={running}
              submitLabel={t('common.save')}
              onSaved={() => toast({ tone: 'ok', text: running ? t('ports.savedNextLaunch') : t('common.saved') })}
            />
          </section>
        ) : null}
        {part === 'preferences' ? <PreferencesSection settings={snapshot.settings} /> : null}
      </div>
    </div>
  );
}
