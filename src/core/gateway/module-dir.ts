import type { ModuleChoice } from '../module/choose-module.ts';
import { obtainApi7Module, ModuleUnavailableError } from '../module/module-cache.ts';
import { resolveAgentDir } from './agent-dir.ts';
import { GatewayError, messageOf } from './errors.ts';
import type { GatewayContext, LaunchProgress } from './types.ts';

/** The module folder on the host for a choice: our agent as shipped, or API7's module from its cache. */
export async function moduleDirFor(ctx: GatewayContext, choice: ModuleChoice, report: (p: Omit<LaunchProgress, 'stage'>) => void, signal?: AbortSignal): Promise<string> {
  if (choice.kind === 'open-agent') return resolveAgentDir(ctx.agentDir, ctx.env);
  const from = choice.urlSource === 'default' ? "cloud-cli's default URL" : choice.urlSource === 'env' ? 'API7_CLOUD_LUA_MODULE_URL' : "the profile's module URL";
  report({ status: 'progress', message: `Fetching API7's Cloud Lua Module from ${choice.url} (${from})` });
  try {
    const obtained = await obtainApi7Module({
      home: ctx.home,
      url: choice.url,
      onProgress: (download) => report({ status: 'progress', message: `Downloading API7's Cloud Lua Module from ${choice.url}`, download }),
      ...(signal ? { signal } : {}),
    });
    if (obtained.source === 'cached') ctx.log?.(obtained.message);
    report({ status: 'progress', message: obtained.message });
    return obtained.dir;
  } catch (err) {
    if (signal?.aborted) throw new GatewayError('module', 'The launch was cancelled.', { cause: err, reason: 'cancelled' });
    if (err instanceof ModuleUnavailableError) throw new GatewayError('module', err.message, { cause: err });
    throw new GatewayError('module', `Could not prepare API7's Cloud Lua Module from ${choice.url}: ${messageOf(err)}`, { cause: err });
  }
}

export function describeModule(choice: ModuleChoice, dir: string): string {
  if (choice.kind === 'api7') return `API7's Cloud Lua Module (${dir})`;
  const adapted = choice.rewrites.length > 0 ? `; the template was adapted: ${choice.rewrites.join('; ')}` : '';
  return `Gateway Tray's open agent (${dir})${adapted}`;
}
