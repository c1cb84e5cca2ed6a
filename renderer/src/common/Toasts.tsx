import { CircleAlert, CircleCheck, Info, X } from 'lucide-react';
import { useCallback, useEffect, useRef, useState, type FocusEvent, type ReactNode } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { ToastContext, type ToastInput } from './toast-context.ts';

interface Shown extends ToastInput {
  id: number;
}

const SHOW_MS = 5000;
/** A toast's time left once the pointer or focus leaves the stack is at least this, so it can still be read. */
const AFTER_HOLD_MS = 2000;
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
 * Whether the pointer is over the stack or focus is inside it: then no toast goes by itself (WCAG 2.2.1,
 * timing adjustable), so a text being read or a close button being reached stays. Both are let go when
 * the last toast goes, since the stack then shrinks from under the pointer without a pointerleave.
 */
function useHold(empty: boolean) {
  const [pointer, setPointer] = useState(false);
  const [focus, setFocus] = useState(false);
  useEffect(() => {
    if (!empty) return;
    setPointer(false);
    setFocus(false);
  }, [empty]);
  return {
    held: pointer || focus,
    handlers: {
      onPointerEnter: () => setPointer(true),
      onPointerLeave: () => setPointer(false),
      onFocus: () => setFocus(true),
      onBlur: (e: FocusEvent<HTMLDivElement>) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocus(false);
      },
    },
  };
}

/**
 * Toasts: results of actions in a polite live region (an error assertively), each gone after a few
 * seconds or when closed, and kept while the pointer or focus is on them (useHold). Errors stay until
 * closed: they may need reading. The stack sits at the bottom right, narrow, and the page keeps room
 * below its content for it (useToastRoom).
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
  const { held, handlers } = useHold(toasts.length === 0);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" role="region" aria-label={t('toast.region')}>
        <div aria-live="polite" className="toast-stack" ref={setStack} data-testid="toast-stack" {...handlers}>
          {toasts.map((x) => (
            <Toast key={x.id} toast={x} held={held} onClose={close} />
          ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function Toast({ toast, held, onClose }: { toast: Shown; held: boolean; onClose: (id: number) => void }) {
  // Each toast's own timer: a newer toast must not restart it. A hold stops it and keeps the time left.
  const left = useRef(SHOW_MS);
  useEffect(() => {
    if (toast.tone === 'bad' || held) return;
    const started = Date.now();
    const timer = setTimeout(() => onClose(toast.id), left.current);
    return () => {
      clearTimeout(timer);
      left.current = Math.max(AFTER_HOLD_MS, left.current - (Date.now() - started));
    };
  }, [toast.id, toast.tone, held, onClose]);
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
