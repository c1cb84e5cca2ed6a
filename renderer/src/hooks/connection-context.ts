import { createContext, useContext, useEffect, useState } from 'react';
import type { Connection } from '../transport/index.ts';
import type { ConnectionState } from '../transport/ws-client.ts';

export const ConnectionContext = createContext<Connection | undefined>(undefined);

/** The bridge's state (always 'up' in Electron), re-rendered as it changes. */
export function useConnectionState(): ConnectionState {
  const connection = useContext(ConnectionContext);
  const [state, setState] = useState<ConnectionState>(() => connection?.current() ?? 'up');
  useEffect(() => {
    if (!connection) return;
    setState(connection.current());
    return connection.subscribe(setState);
  }, [connection]);
  return connection ? state : 'up';
}

export function useConnection(): Connection | undefined {
  return useContext(ConnectionContext);
}
