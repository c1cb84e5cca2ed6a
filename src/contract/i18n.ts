import { appFrameMessages } from './messages-en/app-frame.ts';
import { gatewayStateMessages } from './messages-en/gateway-state.ts';
import { setupWizardMessages } from './messages-en/setup-wizard.ts';
import { dashboardMessages } from './messages-en/dashboard.ts';
import { routesLogsMessages } from './messages-en/routes-logs.ts';
import { componentsMessages } from './messages-en/components.ts';
import { settingsMessages } from './messages-en/settings.ts';
import { trayMessages } from './messages-en/tray.ts';

/**
 * Every string the UI shows, behind one `t(key, params)`. English is the only catalogue today; a
 * translation is another object with the same keys. Placeholders are `{name}`. The English strings are
 * kept in messages-en/, one file per part of the UI, each holding every key of its prefixes.
 */
const en = {
  ...appFrameMessages,
  ...gatewayStateMessages,
  ...setupWizardMessages,
  ...dashboardMessages,
  ...routesLogsMessages,
  ...componentsMessages,
  ...settingsMessages,
  ...trayMessages,
} as const;

export type MessageKey = keyof typeof en;
export type MessageParams = Record<string, string | number>;

export const catalogue: Readonly<Record<MessageKey, string>> = en;

/** The string for `key` with `{placeholders}` filled in; an unknown placeholder stays visible. */
export function t(key: MessageKey, params: MessageParams = {}): string {
  return en[key].replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}
