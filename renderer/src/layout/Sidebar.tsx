import { t } from '../../../src/contract/i18n.ts';
import { Logo } from './Logo.tsx';
import { SECTION_ICONS, SECTIONS, sectionLabel, type SectionId } from './sections.ts';

/** The sections, with icons; at narrow widths the same list becomes a bar of icons with their names. */
export function Sidebar({ current, onSelect }: { current: SectionId; onSelect: (id: SectionId) => void }) {
  return (
    <nav className="sidebar" aria-label={t('nav.label')}>
      <div className="brand">
        <Logo />
        <span className="brand-name">{t('app.title')}</span>
      </div>
      <ul>
        {SECTIONS.map((id) => {
          const Icon = SECTION_ICONS[id];
          return (
            <li key={id}>
              <button type="button" className="nav-item" aria-current={current === id ? 'page' : undefined} onClick={() => onSelect(id)} data-section={id}>
                <Icon aria-hidden="true" size={18} />
                <span className="nav-label">{t(sectionLabel(id))}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
