import { useState } from 'react';

/** State for one ConfirmDialog: what is being confirmed, or nothing. */
export function useConfirm<T>() {
  const [pending, setPending] = useState<T>();
  return { pending, ask: (what: T) => setPending(what), close: () => setPending(undefined), open: pending !== undefined };
}
