import { z } from 'zod';

/**
 * Which Lua module a profile's gateway runs (the profile's `module` setting). Pure zod, no Node import:
 * the settings schema, the IPC contract and the renderer share it.
 *
 * - `auto`: follow the startup template's `lua_module_hook` (ours → open agent, `cloud` → API7's).
 * - `open-agent`: Gateway Tray's agent (assets/agent), whatever the template names.
 * - `api7`: API7's Cloud Lua Module, downloaded as cloud-cli does.
 * - an http(s) URL: API7's module, downloaded from that URL.
 */
export const MODULE_KEYWORDS = ['auto', 'open-agent', 'api7'] as const;
export type ModuleKeyword = (typeof MODULE_KEYWORDS)[number];

/** What a running gateway has: the two modules a launch can mount. */
export const MODULE_KINDS = ['open-agent', 'api7'] as const;
export type ModuleKind = (typeof MODULE_KINDS)[number];

export const DEFAULT_MODULE_SETTING: ModuleKeyword = 'auto';

export const MODULE_SETTING_HINT = `the module is one of ${MODULE_KEYWORDS.join(', ')}, or the http(s) URL of a module tarball`;

function isModuleUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.hostname !== '';
}

export const moduleSettingSchema = z
  .string()
  .max(2048)
  .refine((v) => (MODULE_KEYWORDS as readonly string[]).includes(v) || isModuleUrl(v), MODULE_SETTING_HINT);
export type ModuleSetting = z.infer<typeof moduleSettingSchema>;

export const moduleKindSchema = z.enum(MODULE_KINDS);

/** `api7` for a URL, the keyword otherwise. */
export function moduleKeywordOf(setting: ModuleSetting): ModuleKeyword {
  return (MODULE_KEYWORDS as readonly string[]).includes(setting) ? (setting as ModuleKeyword) : 'api7';
}
