import { createContext, useContext } from 'react';

export type ToastTone = 'ok' | 'bad' | 'info';
export interface ToastInput {
  tone: ToastTone;
  text: string;
}
export type ShowToast = (toast: ToastInput) => void;

export const ToastContext = createContext<ShowToast>(() => undefined);

/** Shows a short result ("Saved", "Route added", an error) in the corner, announced to screen readers. */
export function useToast(): ShowToast {
  return useContext(ToastContext);
}
