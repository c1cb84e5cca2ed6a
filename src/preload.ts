/**
 * The preload: the renderer's only way to main. It exposes one named function per request of the IPC
 * contract, and event subscriptions that return an unsubscribe; there is no generic invoke(channel).
 * Sandboxed preloads must be CommonJS, so the build bundles this file with esbuild into dist/preload.cjs.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildPreloadApi } from './shell/preload-api.ts';

contextBridge.exposeInMainWorld('gatewayTray', buildPreloadApi(ipcRenderer));
