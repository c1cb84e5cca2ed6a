import type { AppLike } from './electron-api.ts';

/**
 * One app per login: two would each manage the same gateway. The second start exits at once, and the
 * first is told and brings its window forward (so starting the app again is how a user finds it when
 * the tray icon is hidden). Returns false when this process is the second one and is quitting.
 */
export function claimSingleInstance(app: Pick<AppLike, 'requestSingleInstanceLock' | 'quit' | 'on'>, focusWindow: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focusWindow());
  return true;
}
