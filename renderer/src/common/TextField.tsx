import type { InputHTMLAttributes, ReactNode } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'className' | 'aria-invalid' | 'aria-describedby'>;

export interface TextFieldProps extends InputProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** What is wrong with the value; marks the input invalid and takes the message's place. */
  error?: string | undefined;
  /** Advice that stays beside the field, error or not (its own element, `${id}-hint`). */
  hint?: ReactNode;
  /** What the message says while there is no error (a hint that an error replaces). */
  note?: ReactNode;
  /** The message's id; tests and other elements name some fields' messages by older ids. */
  messageId?: string;
  messageTestId?: string;
  /** Other elements that describe the input, read between the hint and the message. */
  describedBy?: string[];
  /** Announces the error as it appears: for one that comes back from a submit, not one per keystroke. */
  announce?: boolean;
  /** Extra classes of the field's box, e.g. "grow". */
  className?: string;
  /** Goes after the message, e.g. an action that fixes the error. */
  children?: ReactNode;
}

/**
 * One labelled text input with its hint and per-field message, wired for assistive technology: the
 * label names the input, the hint and the message describe it, and an error marks it invalid.
 */
export function TextField({ id, label, value, onChange, error, hint, note, messageId = `${id}-msg`, messageTestId, describedBy = [], announce = false, className, children, ...input }: TextFieldProps) {
  const hintId = `${id}-hint`;
  // An empty error message is hidden (`.field-error:empty`); a note keeps the hint's line.
  const messageClass = error || note === undefined ? 'field-error' : 'hint';
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input
        {...input}
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={Boolean(error)}
        aria-describedby={[...(hint === undefined ? [] : [hintId]), ...describedBy, messageId].join(' ')}
      />
      {hint === undefined ? null : (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      <span id={messageId} className={messageClass} data-testid={messageTestId} role={announce && error ? 'alert' : undefined}>
        {error || (note ?? '')}
      </span>
      {children}
    </div>
  );
}
