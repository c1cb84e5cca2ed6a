import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventName } from '../../../src/contract/ipc-contract.ts';
import { useApi } from './api-context.ts';

export interface Live<T> {
  data: T | undefined;
  error: Error | undefined;
  reload: () => void;
}

/**
 * Reads a snapshot, and reads it again whenever one of `events` says it changed. Events carry no data
 * here on purpose: a missed one costs nothing, because the next read is complete.
 */
export function useLive<T>(load: () => Promise<T>, events: EventName[]): Live<T> {
  const api = useApi();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    loadRef.current().then(
      (v) => {
        if (mine !== seq.current) return;
        setData(v);
        setError(undefined);
      },
      (e: unknown) => {
        if (mine === seq.current) setError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  }, []);
  const key = events.join(',');
  useEffect(() => {
    reload();
    const offs = key.split(',').filter(Boolean).map((name) => api.on(name as EventName, () => reload()));
    return () => offs.forEach((off) => off());
  }, [api, key, reload]);
  return { data, error, reload };
}
