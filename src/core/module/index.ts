/** Which Lua module a gateway runs, and API7's module downloaded and cached as cloud-cli does. */
export * from './module-setting.ts';
export * from './choose-module.ts';
export { downloadModule, ModuleDownloadError, type DownloadProgress } from './download.ts';
export { extractModuleTarball, ModuleArchiveError } from './extract.ts';
export { obtainApi7Module, modulesDir, ModuleUnavailableError, type ObtainedModule } from './module-cache.ts';
