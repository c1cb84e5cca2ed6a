import type { GatewayStatus } from '../core/status/gateway-status.ts';
import type { NotificationModule } from './electron-api.ts';
import { notificationsFor, pruneHistory, type GatewayNotification, type NotificationRecord, type NotificationSettings } from './notification-policy.ts';

export interface NotifierOptions {
  notifications: NotificationModule;
  settings: () => NotificationSettings;
  now?: () => number;
  /** Clicking a notification opens the status window. */
  onClick: () => void;
}

/** Shows desktop notifications for status transitions; the decision is notificationsFor's. */
export class StatusNotifier {
  readonly #o: NotifierOptions;
  #previous: GatewayStatus | undefined;
  #history: NotificationRecord[] = [];

  constructor(options: NotifierOptions) {
    this.#o = options;
  }

  /** Feed every status snapshot; returns what was shown (for logs and tests). */
  observe(status: GatewayStatus): GatewayNotification[] {
    const now = this.#o.now?.() ?? Date.now();
    const due = notificationsFor(this.#previous, status, this.#o.settings(), now, this.#history);
    this.#previous = status;
    if (due.length === 0 || !this.#o.notifications.isSupported()) return [];
    for (const n of due) {
      const shown = this.#o.notifications.create({ title: n.title, body: n.body });
      shown.on('click', () => this.#o.onClick());
      shown.show();
      this.#history.push({ kind: n.kind, at: now });
    }
    this.#history = pruneHistory(this.#history, now);
    return due;
  }

  /** For failures of actions the user started from the tray: always shown, never rate-limited. */
  error(title: string, body: string): void {
    if (!this.#o.notifications.isSupported()) return;
    this.#o.notifications.create({ title, body }).show();
  }
}
