import { CircleAlert, CircleCheck, Info, X } from 'lucide-react';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { ToastContext, type ToastInput } from './toast-context.ts';

interface Shown extends ToastInput {
  id: number;
}

const SHOW_MS = 5000;
const ICONS = { ok: CircleCheck, bad: CircleAlert, info: Info } as const;

/**
 * Toasts: results of actions in a polite live region (an error assertively), each gone after a few
 * seconds or when closed. Errors stay until closed: they may need reading.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Shown[]>([]);
  const next = useRef(1);
  const show = useCallback((toast: ToastInput) => {
    const id = next.current++;
    setToasts((all) => [...all.slice(-2), { ...toast, id }]);
  }, []);
  const close = useCallback((id: number) => setToasts((all) => all.filter((x) => x.id !== id)), []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" role="region" aria-label={t('toast.region')}>
        <div aria-live="polite" className="toast-stack">
          {toasts.map((x) => (
            <Toast key={x.id} toast={x} onClose={close} />
          ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function Toast({ toast, onClose }: { toast: Shown; onClose: (id: number) => void }) {
  // Each toast's own timer, started once: a newer toast must not restart it.
  useEffect(() => {
    if (toast.tone === 'bad') return;
    const timer = setTimeout(() => onClose(toast.id), SHOW_MS);
    return () => clearTimeout(timer);
  }, [toast.id, toast.tone, onClose]);
  const Icon = ICONS[toast.tone];
  return (
    <div className={`toast toast-${toast.tone}`} role={toast.tone === 'bad' ? 'alert' : 'status'} data-testid="toast">
      <Icon aria-hidden="true" size={18} />
      <span>{toast.text}</span>
      <button type="button" className="icon-button" onClick={() => onClose(toast.id)} aria-label={t('toast.close')}>
        <X aria-hidden="true" size={16} />
      </button>
    </div>
  );
}
