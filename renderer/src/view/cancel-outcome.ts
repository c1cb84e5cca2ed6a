import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import type { ToastInput } from '../common/toast-context.ts';

/** What the core says, in a failed launch's message, when undoing part of it failed as well (src/core/gateway/launch.ts). */
const ROLLBACK_FAILED = /Rolling back also failed: (.+)$/s;

/**
 * What a cancelled launch came to, told from the snapshot read once the launch ended: rolled back
 * cleanly, rolled back with leftovers (the core names them), or it had finished before the cancel
 * reached it. `asked` is cancelLaunch's answer: false means no launch was under way any more.
 */
export function cancelOutcome(asked: { cancelled: boolean }, ended: Pick<StatusSnapshot, 'launching' | 'lastLaunchError' | 'status'> | undefined): ToastInput {
  if (!asked.cancelled) return { tone: 'info', text: t('launch.cancelNothing') };
  if (!ended || ended.launching) return { tone: 'info', text: t('launch.cancelPending') };
  const failed = ended.lastLaunchError;
  if (!failed) return { tone: 'info', text: t('launch.cancelTooLate') };
  const leftovers = ROLLBACK_FAILED.exec(failed.message)?.[1];
  if (leftovers) return { tone: 'bad', text: t('launch.cancelLeftovers', { problems: leftovers }) };
  return { tone: 'ok', text: t('launch.cancelled') };
}

/**
 * Whether a launch error is a cancellation (the user's, the tray's, Ctrl-C): not a failure to explain.
 * Every cancellation the core throws carries the reason `cancelled`, a rollback's failure included.
 */
export function isCancellation(err: { reason?: string | undefined; message: string } | undefined): boolean {
  return err?.reason === 'cancelled';
}
