import { join } from 'node:path';
import type { ShellPaths } from './shell-app.ts';

/**
 * Where the shell finds its files. `appRoot` is app.getAppPath() (the app.asar of a packaged app). The
 * tray icons and the agent are extra resources outside the asar: Docker must bind-mount the agent
 * from a real folder, and icons load faster from plain files.
 */
export function shellPaths(options: { appRoot: string; isPackaged: boolean; resourcesPath: string }): ShellPaths & { agentDir: string } {
  const resources = options.isPackaged ? options.resourcesPath : join(options.appRoot, 'assets');
  return {
    iconDir: join(resources, 'tray'),
    agentDir: join(resources, 'agent'),
    preload: join(options.appRoot, 'dist', 'preload.cjs'),
    rendererDir: join(options.appRoot, 'renderer', 'dist'),
  };
}
