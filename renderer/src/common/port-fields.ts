import type { PortReportView, PortRoleName, ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';

export const PORT_KEYS: PortRoleName[] = ['proxyHttp', 'proxyHttps', 'control', 'prometheus'];
export type PortTexts = Record<PortRoleName, string>;

export const portTexts = (ports: ProfileView['ports']): PortTexts => Object.fromEntries(PORT_KEYS.map((k) => [k, String(ports[k])])) as PortTexts;

/** Per-field messages for what is typed: a number from 1 to 65535, and no two the same. */
export function portFieldErrors(texts: PortTexts): Partial<Record<PortRoleName, string>> {
  const out: Partial<Record<PortRoleName, string>> = {};
  const seen = new Map<number, PortRoleName>();
  for (const k of PORT_KEYS) {
    const raw = texts[k].trim();
    const n = Number(raw);
    if (raw === '' || !/^\d+$/.test(raw) || n < 1 || n > 65535) {
      out[k] = t('ports.error.range');
      continue;
    }
    const first = seen.get(n);
    if (first) out[k] = t('ports.error.duplicate', { other: t(`ports.${first}`) });
    else seen.set(n, k);
  }
  return out;
}

/** A port check's finding as a message beside the field; undefined when the port can be used. */
export function portReportMessage(r: PortReportView | undefined): string | undefined {
  if (!r) return undefined;
  if (r.state === 'profile') return t('ports.error.profile', { port: r.port, profile: r.profile });
  if (r.state === 'process') return t('ports.error.process', { port: r.port });
  return undefined;
}
