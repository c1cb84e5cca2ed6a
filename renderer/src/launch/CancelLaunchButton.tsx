import { CircleStop } from 'lucide-react';
import { t } from '../../../src/contract/i18n.ts';
import type { CancelLaunch } from './use-cancel-launch.ts';

/**
 * The one Cancel of a running launch, in the wizard and on the dashboard: a real button (Tab, Enter,
 * Space), named for what it does, and disabled once asked, while the core rolls the launch back.
 */
export function CancelLaunchButton({ cancel }: { cancel: Pick<CancelLaunch, 'cancel' | 'cancelling'> }) {
  return (
    <button type="button" onClick={() => void cancel.cancel()} disabled={cancel.cancelling} aria-busy={cancel.cancelling || undefined} data-testid="launch-cancel">
      <CircleStop aria-hidden="true" size={16} />
      {cancel.cancelling ? t('launch.cancelling') : t('launch.cancel')}
    </button>
  );
}
