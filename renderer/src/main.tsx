import './zod-config.ts';
import 'uplot/dist/uPlot.min.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { t } from '../../src/contract/i18n.ts';
import { App } from './App.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { ToastProvider } from './common/Toasts.tsx';
import { ApiContext } from './hooks/api-context.ts';
import { ConnectionContext } from './hooks/connection-context.ts';
import { Logo } from './layout/Logo.tsx';
import { chooseTransport } from './transport/index.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const transport = chooseTransport();
document.title = t('app.title');
if (transport.kind === 'none') {
  root.render(
    <main className="splash">
      <Logo size={48} />
      <h1>{t('app.title')}</h1>
      <p role="alert">{t('app.noToken')}</p>
    </main>,
  );
} else {
  root.render(
    <StrictMode>
      <ApiContext.Provider value={transport.api}>
        <ConnectionContext.Provider value={transport.connection}>
          <ToastProvider>
            <ConnectionBanner />
            <App />
          </ToastProvider>
        </ConnectionContext.Provider>
      </ApiContext.Provider>
    </StrictMode>,
  );
}
