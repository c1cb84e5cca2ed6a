import type { MessageKey } from '../../../src/contract/i18n.ts';
import type { GatewayStatus, StatusAction } from '../../../src/core/status/gateway-status.ts';
import { gatewayRuns } from './state-actions.ts';

export interface Confirmation {
  title: MessageKey;
  body: MessageKey;
  confirm: MessageKey;
}

/**
 * The gateway actions that interrupt what it serves, and so are asked first: Stop takes it off its
 * ports; Restart drops the requests in flight and refuses new ones until it is back; renewing the
 * certificate restarts a running gateway (API7's module caches its key per worker). Launch, the checks
 * and the logs change nothing that serves, and are not asked.
 */
export function confirmationOf(action: StatusAction, s: Pick<GatewayStatus, 'containerId' | 'containerState' | 'state'>): Confirmation | undefined {
  switch (action) {
    case 'stop':
      return { title: 'confirm.stop.title', body: 'confirm.stop.body', confirm: 'action.stop' };
    case 'restart':
      return { title: 'confirm.restart.title', body: 'confirm.restart.body', confirm: 'action.restart' };
    case 'renew-cert':
      return gatewayRuns(s) ? { title: 'confirm.renew.title', body: 'confirm.renew.body', confirm: 'action.renew-cert' } : undefined;
    default:
      return undefined;
  }
}
