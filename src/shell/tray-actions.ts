import type { GatewayStatus } from '../core/status/gateway-status.ts';
import { gatewayUrl, type TrayCommand } from '../core/tray/tray-model.ts';
import type { ClipboardLike } from './electron-api.ts';
import type { GatewayActions } from './shell-services.ts';

export interface TrayActionContext {
  actions: GatewayActions;
  status: () => GatewayStatus | undefined;
  clipboard: ClipboardLike;
  openWindow: () => void;
  quit: () => void;
  /** A failed action is reported, never thrown into Electron's menu callback. */
  onError: (command: TrayCommand, error: Error) => void;
}

/** Runs one tray command; returns once it has finished (or failed and been reported). */
export async function runTrayCommand(command: TrayCommand, ctx: TrayActionContext): Promise<void> {
  try {
    switch (command) {
      case 'launch':
        await ctx.actions.launch();
        return;
      case 'stop':
        await ctx.actions.stop();
        return;
      case 'restart':
        await ctx.actions.restart();
        return;
      case 'renew-cert':
        await ctx.actions.renewCertificate();
        return;
      case 'open-window':
        ctx.openWindow();
        return;
      case 'copy-url': {
        const status = ctx.status();
        const url = status ? gatewayUrl(status) : undefined;
        if (!url) throw new Error('The gateway has no published HTTP port yet; launch it first.');
        ctx.clipboard.writeText(url);
        return;
      }
      case 'quit':
        ctx.quit();
        return;
    }
  } catch (err) {
    ctx.onError(command, err instanceof Error ? err : new Error(String(err)));
  }
}
