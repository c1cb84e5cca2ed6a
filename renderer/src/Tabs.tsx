import { useRef, type KeyboardEvent } from 'react';
import { t, type MessageKey } from '../../src/contract/i18n.ts';

export const TABS = ['dashboard', 'routes', 'logs', 'settings'] as const;
export type TabId = (typeof TABS)[number];

/** An ARIA tab list: arrow keys, Home and End move between tabs (WAI-ARIA authoring practices). */
export function Tabs({ current, onSelect }: { current: TabId; onSelect: (tab: TabId) => void }) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const moves: Record<string, number> = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = (to + TABS.length) % TABS.length;
    onSelect(TABS[next]!);
    refs.current[next]?.focus();
  };
  return (
    <nav aria-label={t('nav.label')}>
      <div role="tablist" aria-label={t('nav.label')}>
        {TABS.map((id, i) => (
          <button
            key={id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            id={`tab-${id}`}
            aria-selected={current === id}
            aria-controls={`panel-${id}`}
            tabIndex={current === id ? 0 : -1}
            onClick={() => onSelect(id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {t(`nav.${id}` as MessageKey)}
          </button>
        ))}
      </div>
    </nav>
  );
}
