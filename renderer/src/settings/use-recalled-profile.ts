import { useEffect, useRef, useState } from 'react';
import type { RecalledProfileView } from '../../../src/contract/ipc-contract.ts';
import { useApi } from '../hooks/api-context.ts';

const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * What a profile about to be added under `name` had before (a removed profile's settings, or a gateway
 * container still in Docker), asked a moment after the last key so the note is there before the user
 * submits. `restore` (on by default) says whether the new profile starts from it; `carried` is what the
 * add then sends. Used by the settings' add form and the wizard's cloud step alike.
 */
export function useRecalledProfile(name: string, enabled = true, onRecalled?: (r: RecalledProfileView) => void) {
  const api = useApi();
  const [recalled, setRecalled] = useState<RecalledProfileView>();
  const [restore, setRestore] = useState(true);
  // The caller's callback of its latest render, read when the answer comes: not a reason to ask again.
  const told = useRef(onRecalled);
  told.current = onRecalled;
  useEffect(() => {
    setRecalled(undefined);
    if (!enabled || !NAME.test(name)) return;
    let live = true;
    const timer = setTimeout(() => {
      api.recallProfile({ name }).then(
        (r) => {
          if (!live) return;
          setRecalled(r.recalled);
          setRestore(true);
          if (r.recalled) told.current?.(r.recalled);
        },
        () => undefined, // only a convenience: the defaults apply, as they would without it
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, name, enabled]);
  const carried = recalled && restore ? { image: recalled.image, ports: { ...recalled.ports } } : {};
  return { recalled, restore, setRestore, carried, clear: () => setRecalled(undefined) };
}
