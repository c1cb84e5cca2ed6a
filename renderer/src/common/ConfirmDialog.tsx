import { TriangleAlert } from 'lucide-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { t } from '../../../src/contract/i18n.ts';

/**
 * A confirmation for a destructive action, on the native <dialog>: modal, focus kept inside, Escape
 * cancels, Enter confirms (the confirm button is the form's submit and has the focus). Radix's dialog
 * would inject a <style> element to lock scrolling, which the strict CSP blocks; the native one needs none.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      confirmRef.current?.focus();
    } else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <h2 id="confirm-title" className="dialog-title">
          <TriangleAlert aria-hidden="true" size={20} className="tone-warn" />
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        <div className="buttons end">
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="danger" ref={confirmRef}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
