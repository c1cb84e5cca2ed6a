import './zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { t } from '../../src/contract/i18n.ts';
import { App } from './App.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { ApiContext } from './hooks/api-context.ts';
import { chooseTransport } from './transport/index.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const transport = chooseTransport();
document.title = t('app.title');
if (transport.kind === 'none') {
  root.render(
    <main>
      <h1>{t('app.title')}</h1>
      <p role="alert">{t('app.noToken')}</p>
    </main>,
  );
} else {
  root.render(
    <StrictMode>
      <ApiContext.Provider value={transport.api}>
        <ConnectionBanner {...(transport.onConnection ? { subscribe: transport.onConnection } : {})} />
        <App />
      </ApiContext.Provider>
    </StrictMode>,
  );
}
