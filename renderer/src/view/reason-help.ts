import type { MessageKey } from '../../../src/contract/i18n.ts';
import type { ReasonCode } from '../../../src/core/reasons/reason-codes.ts';

/**
 * What fixes a reason, as the window does it: a form to open (the set-token form, the ports or the image
 * in the gateway settings), a gateway action (asked first where it interrupts serving), or help to read.
 */
export type FixKind = 'set-token' | 'ports' | 'image' | 'docker-help' | 'renew-cert' | 'restart' | 'launch' | 'show-logs' | 'retry' | 'components' | 'profiles';

export interface ReasonHelp {
  /** What happened and what to do, in the user's words; the core's own message follows as the detail. */
  message: MessageKey;
  fix: FixKind;
  fixLabel: MessageKey;
}

const h = (message: MessageKey, fix: FixKind, fixLabel: MessageKey): ReasonHelp => ({ message, fix, fixLabel });

/** Every stable reason code (src/core/reasons) has its own message and fix; the compiler checks none is missing. */
const HELP: Record<ReasonCode, (kind: 'local' | 'cloud') => ReasonHelp> = {
  'engine-unavailable': () => h('reason.engine-unavailable', 'docker-help', 'fix.dockerHelp'),
  'port-in-use': () => h('reason.port-in-use', 'ports', 'fix.ports'),
  'image-not-found': () => h('reason.image-not-found', 'image', 'fix.image'),
  'registry-unreachable': () => h('reason.registry-unreachable', 'image', 'fix.image'),
  'disk-full': () => h('reason.disk-full', 'retry', 'fix.retry'),
  'token-missing': () => h('reason.token-missing', 'set-token', 'fix.setToken'),
  'token-refused': () => h('reason.token-refused', 'set-token', 'fix.setToken'),
  // The embedded control plane runs inside the app: checking again restarts it; a cloud one is the profile's address.
  'control-plane-down': (kind) => (kind === 'local' ? h('reason.control-plane-down.local', 'retry', 'fix.retry') : h('reason.control-plane-down.cloud', 'profiles', 'fix.profiles')),
  'control-plane-unreachable': (kind) => (kind === 'local' ? h('reason.control-plane-unreachable.local', 'retry', 'fix.retry') : h('reason.control-plane-unreachable.cloud', 'profiles', 'fix.profiles')),
  'config-centre-down': () => h('reason.config-centre-down', 'components', 'fix.components'),
  'certificate-expired': () => h('reason.certificate-expired', 'renew-cert', 'fix.renew'),
  'certificate-refused': () => h('reason.certificate-refused', 'renew-cert', 'fix.renew'),
  'config-stale': () => h('reason.config-stale', 'restart', 'fix.restart'),
  'gateway-exited': () => h('reason.gateway-exited', 'launch', 'fix.launch'),
  'register-timeout': () => h('reason.register-timeout', 'show-logs', 'fix.logs'),
  'not-launched': () => h('reason.not-launched', 'launch', 'fix.launch'),
  cancelled: () => h('reason.cancelled', 'launch', 'fix.launchAgain'),
};

/** The help for a reason the core sent (a status reason's or an error's); none for a code this page doesn't know. */
export function reasonHelp(reason: string | undefined, kind: 'local' | 'cloud'): ReasonHelp | undefined {
  if (!reason || !Object.hasOwn(HELP, reason)) return undefined;
  return HELP[reason as ReasonCode](kind);
}

/** How to start Docker, by the platform the app runs on (AppInfo.platform is Node's process.platform). */
export function dockerHelpKey(platform: string | undefined): MessageKey {
  if (platform === 'darwin') return 'dockerHelp.darwin';
  if (platform === 'win32') return 'dockerHelp.win32';
  return 'dockerHelp.linux';
}
