import { useCallback, useRef, useState } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useToast } from '../common/toast-context.ts';
import { useApi } from '../hooks/api-context.ts';
import { cancelOutcome } from '../view/cancel-outcome.ts';

/** How long a rollback may take to be told: removing a container and a few files. */
const ROLLBACK_WAIT_MS = 60_000;

export interface CancelLaunch {
  cancel: () => Promise<void>;
  /** Asked, and the launch has not ended yet. */
  cancelling: boolean;
  /** True from the click on: the launch that ends now ended because it was cancelled. */
  asked: { readonly current: boolean };
  /** Clears `asked`, when a new launch starts. */
  forget: () => void;
}

/**
 * Cancels the launch under way, wherever it was started (this window, the tray, another tab), and
 * tells how it ended in a toast once the core has rolled it back: the launch's end is read from the
 * status snapshot, which the core updates (and announces) only after its rollback ran.
 */
export function useCancelLaunch(): CancelLaunch {
  const api = useApi();
  const toast = useToast();
  const [cancelling, setCancelling] = useState(false);
  const asked = useRef(false);

  const ended = useCallback(
    () =>
      new Promise<StatusSnapshot | undefined>((resolve) => {
        let done = false;
        const finish = (s: StatusSnapshot | undefined) => {
          if (done) return;
          done = true;
          off();
          clearTimeout(timer);
          resolve(s);
        };
        const check = () => void api.getStatus().then((s) => (s.launching ? undefined : finish(s)), () => undefined);
        const off = api.on('statusChanged', check);
        const timer = setTimeout(() => void api.getStatus().then(finish, () => finish(undefined)), ROLLBACK_WAIT_MS);
        check();
      }),
    [api],
  );

  const cancel = useCallback(async () => {
    asked.current = true;
    setCancelling(true);
    try {
      const answer = await api.cancelLaunch();
      toast(cancelOutcome(answer, answer.cancelled ? await ended() : undefined));
    } catch (e) {
      toast({ tone: 'bad', text: t('launch.cancelFailed', { message: e instanceof Error ? e.message : String(e) }) });
    } finally {
      setCancelling(false);
    }
  }, [api, toast, ended]);
  const forget = useCallback(() => {
    asked.current = false;
  }, []);
  return { cancel, cancelling, asked, forget };
}
