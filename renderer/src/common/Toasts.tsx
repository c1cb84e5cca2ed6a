import { CircleAlert, CircleCheck, Info, X } from 'lucide-react';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { ToastContext, type ToastInput } from './toast-context.ts';

interface Shown extends ToastInput {
  id: number;
}

const SHOW_MS = 5000;
/** The page's bottom padding while toasts show (styles.css reads it), so they never sit on the last content. */
const ROOM_VAR = '--toast-room';
/** Space between the stack and the content scrolled up above it, in px. */
const ROOM_GAP = 16;

/**
 * Keeps the page's bottom padding as tall as the stack (plus its margin), while there is one: whatever
 * a toast covers can be scrolled up from under it. A ResizeObserver follows toasts coming and going.
 */
function useToastRoom(stack: HTMLElement | null, shown: number): void {
  useEffect(() => {
    const root = document.documentElement;
    if (!stack || shown === 0) {
      root.style.removeProperty(ROOM_VAR);
      return;
    }
    const update = () => root.style.setProperty(ROOM_VAR, `${Math.ceil(stack.getBoundingClientRect().height) + ROOM_GAP * 2}px`);
    update();
    const observer = new ResizeObserver(update);
    observer.observe(stack);
    return () => {
      observer.disconnect();
      root.style.removeProperty(ROOM_VAR);
    };
  }, [stack, shown]);
}
const ICONS = { ok: CircleCheck, bad: CircleAlert, info: Info } as const;

/**
 * Toasts: results of actions in a polite live region (an error assertively), each gone after a few
 * seconds or when closed. Errors stay until closed: they may need reading. The stack sits at the
 * bottom right, narrow, and the page keeps room below its content for it (useToastRoom).
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Shown[]>([]);
  const next = useRef(1);
  const show = useCallback((toast: ToastInput) => {
    const id = next.current++;
    setToasts((all) => [...all.slice(-2), { ...toast, id }]);
  }, []);
  const close = useCallback((id: number) => setToasts((all) => all.filter((x) => x.id !== id)), []);
  const [stack, setStack] = useState<HTMLDivElement | null>(null);
  useToastRoom(stack, toasts.length);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" role="region" aria-label={t('toast.region')}>
        <div aria-live="polite" className="toast-stack" ref={setStack} data-testid="toast-stack">
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
      {/* Long texts are cut to a few lines on screen (title and screen readers have them whole). */}
      <span className="toast-text" title={toast.text}>
        {toast.text}
      </span>
      <button type="button" className="icon-button" onClick={() => onClose(toast.id)} aria-label={t('toast.close')}>
        <X aria-hidden="true" size={16} />
      </button>
    </div>
  );
}
