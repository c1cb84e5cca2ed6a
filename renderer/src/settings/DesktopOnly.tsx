import { Monitor } from 'lucide-react';
import { t } from '../../../src/contract/i18n.ts';

/** Marks a setting that only the desktop app acts on (the browser mode has no tray, no login item). */
export function DesktopOnly() {
  return (
    <span className="tag" title={t('settings.desktopOnlyTitle')} data-testid="desktop-only">
      <Monitor aria-hidden="true" size={12} />
      {t('settings.desktopOnly')}
    </span>
  );
}
