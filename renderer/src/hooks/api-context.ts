import { createContext, useContext } from 'react';
import type { GatewayTrayApi } from '../../../src/contract/ipc-contract.ts';

export const ApiContext = createContext<GatewayTrayApi | null>(null);

export function useApi(): GatewayTrayApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}
