import { useEffect } from 'react';
import { useToast } from '../common/toast-context.ts';
import { useApi } from './api-context.ts';

/**
 * What the app did by itself (a control-plane port moved and a gateway recreated for it, the Docker
 * bridge listened on) becomes a toast: the user did not ask, so nothing else would tell them.
 */
export function useNotices(): void {
  const api = useApi();
  const toast = useToast();
  useEffect(() => api.on('notice', (n) => toast({ tone: 'info', text: n.message })), [api, toast]);
}
