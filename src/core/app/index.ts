/** The app service: the handlers behind every IPC channel, shared by Electron's IPC and the web bridge. */
export { createAppService, type AppService, type AppServiceOptions } from './app-service.ts';
export { AppSettingsStore, migrateAppSettings, APP_SETTINGS_VERSION, DEFAULT_APP_SETTINGS, AppSettingsVersionError } from './app-settings.ts';
export { engineFixHint, checkEngineNow } from './engine-check.ts';
