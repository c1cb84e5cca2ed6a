import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RenderedConfig } from '../gateway/template.ts';
import { moduleKeywordOf, moduleSettingSchema, type ModuleKind, type ModuleSetting } from './module-setting.ts';

/**
 * The one place that decides which Lua module a gateway runs, what its config.yaml says, and what is
 * mounted for it: a pure function of the rendered startup template, the profile's `module` setting, the
 * environment and the image. The launch flow and `doctor` both use it.
 */

export const OPEN_AGENT_HOOK = 'gateway_tray_agent.hook';
export const OPEN_AGENT_LUA_PATH = '/cloud_lua_module/?.lua';
export const OPEN_AGENT_SHARED_DICT = 'gateway-tray-agent';
/** The hook API7 Cloud's template names (PROTOCOL §6). */
export const API7_HOOK = 'cloud';

/** cloud-cli's default (internal/cloud/types.go); API7_CLOUD_LUA_MODULE_URL overrides it, as in cloud-cli. */
export const DEFAULT_API7_MODULE_URL = 'https://github.com/api7/cloud-scripts/raw/main/assets/cloud_module_beta.tar.gz';
export const API7_MODULE_URL_ENV = 'API7_CLOUD_LUA_MODULE_URL';

/** Where the module goes in the container, and cloud-cli's two overrides of APISIX's own CLI files (cmd/deploy/docker.go). */
export const MODULE_CONTAINER_DIR = '/cloud_lua_module';
export const API7_CLI_OVERRIDES = [
  { source: 'apisix/cli/etcd.ljbc', target: '/usr/local/apisix/apisix/cli/etcd.lua' },
  { source: 'apisix/cli/local_storage.ljbc', target: '/usr/local/apisix/apisix/cli/local_storage.lua' },
] as const;

export type Api7UrlSource = 'profile' | 'env' | 'default';

export type ModuleChoice =
  | {
      kind: 'open-agent';
      /** The config.yaml to write. */
      yaml: string;
      /** What was changed in the template for our agent, for the user to read; empty when nothing. */
      rewrites: string[];
    }
  | { kind: 'api7'; yaml: string; url: string; urlSource: Api7UrlSource; rewrites: [] };

export interface ModuleMount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export class ModuleChoiceError extends Error {
  override name = 'ModuleChoiceError';
}

export interface ChooseOptions {
  env?: NodeJS.ProcessEnv;
  /** The gateway image: a 2.x tag keeps the 2.15 layout for the open agent. */
  image?: string;
}

/** The APISIX major version a tag like `3.13.0-debian` or `2.15.0-centos` names; undefined when it names none. */
export function apisixMajorOfImage(image: string | undefined): number | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0]!;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  const major = /^v?(\d+)\.\d+/.exec(tag)?.[1];
  return major === undefined ? undefined : Number(major);
}

function objectAt(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  parent[key] = fresh;
  return fresh;
}

/**
 * The template, made to run our agent: our hook, Lua path and shared dict instead of another module's,
 * and on APISIX 3.x the 2.15 layout moved under `deployment`, because APISIX 3.x replaces a top-level
 * `etcd` with its default `deployment.etcd` when `deployment` is absent (apisix/cli/file.lua, 3.13.0).
 */
function openAgentConfig(rendered: RenderedConfig, image: string | undefined): { yaml: string; rewrites: string[] } {
  const doc = structuredClone(rendered.doc);
  const rewrites: string[] = [];
  if (rendered.hook !== OPEN_AGENT_HOOK) {
    const apisix = objectAt(doc, 'apisix');
    apisix.lua_module_hook = OPEN_AGENT_HOOK;
    apisix.extra_lua_path = OPEN_AGENT_LUA_PATH;
    const dicts = objectAt(objectAt(objectAt(doc, 'nginx_config'), 'http'), 'custom_lua_shared_dict');
    // The other module's dict is named after its hook (API7's: hook `cloud`, dict `cloud`).
    const theirs = rendered.hook?.split('.')[0];
    if (theirs && theirs !== OPEN_AGENT_SHARED_DICT) delete dicts[theirs];
    dicts[OPEN_AGENT_SHARED_DICT] = '1m';
    rewrites.push(`lua_module_hook ${rendered.hook ?? '(none)'} → ${OPEN_AGENT_HOOK}, extra_lua_path → ${OPEN_AGENT_LUA_PATH}, shared dict → ${OPEN_AGENT_SHARED_DICT}`);
  }
  if (rendered.layout === 'apisix-2.15' && (apisixMajorOfImage(image) ?? 3) >= 3) {
    doc.deployment = { role: 'data_plane', role_data_plane: { config_provider: 'etcd' }, etcd: doc.etcd };
    delete doc.etcd;
    rewrites.push('top-level etcd → deployment.etcd (APISIX 3.x layout, role data_plane)');
  }
  return { yaml: rewrites.length > 0 ? stringify(doc, { lineWidth: 0 }) : rendered.yaml, rewrites };
}

function api7Url(setting: ModuleSetting, env: NodeJS.ProcessEnv): { url: string; urlSource: Api7UrlSource } {
  if (moduleKeywordOf(setting) === 'api7' && setting !== 'api7') return { url: setting, urlSource: 'profile' };
  const fromEnv = env[API7_MODULE_URL_ENV]?.trim();
  if (fromEnv) {
    const checked = moduleSettingSchema.safeParse(fromEnv);
    if (!checked.success || moduleKeywordOf(fromEnv) !== 'api7' || fromEnv === 'api7') {
      throw new ModuleChoiceError(`${API7_MODULE_URL_ENV} is not an http(s) URL (${fromEnv}); set it to the URL of API7's Cloud Lua Module tarball, or unset it.`);
    }
    return { url: fromEnv, urlSource: 'env' };
  }
  return { url: DEFAULT_API7_MODULE_URL, urlSource: 'default' };
}

/** Which module runs, with the config.yaml it needs. Throws ModuleChoiceError with what to do. */
export function chooseModule(rendered: RenderedConfig, setting: ModuleSetting, opts: ChooseOptions = {}): ModuleChoice {
  const parsed = moduleSettingSchema.safeParse(setting);
  if (!parsed.success) throw new ModuleChoiceError(`The profile's module setting "${setting}" is not valid: ${parsed.error.issues[0]?.message ?? 'unknown value'}.`);
  let kind: ModuleKind;
  const keyword = moduleKeywordOf(setting);
  if (keyword === 'auto') {
    if (rendered.hook === OPEN_AGENT_HOOK) kind = 'open-agent';
    else if (rendered.hook === API7_HOOK) kind = 'api7';
    else {
      throw new ModuleChoiceError(
        `The startup template names the Lua module hook ${rendered.hook === undefined ? '(none)' : `"${rendered.hook}"`}, which is neither Gateway Tray's agent (${OPEN_AGENT_HOOK}) nor API7's Cloud Lua Module (${API7_HOOK}); ` +
          "set the profile's module to open-agent or api7 (Settings, or 'gateway-tray profiles add … --module').",
      );
    }
  } else kind = keyword;

  if (kind === 'open-agent') return { kind, ...openAgentConfig(rendered, opts.image) };
  // API7's module gets the template as API7 Cloud wrote it: its hook, its path, its layout.
  return { kind, yaml: rendered.yaml, ...api7Url(setting, opts.env ?? process.env), rewrites: [] };
}

/** The module's bind mounts, all read-only: the folder at /cloud_lua_module, and for API7's module cloud-cli's two overrides. */
export function moduleMounts(kind: ModuleKind, moduleDir: string): ModuleMount[] {
  const mounts: ModuleMount[] = [{ hostPath: moduleDir, containerPath: MODULE_CONTAINER_DIR, readOnly: true }];
  if (kind === 'api7') {
    for (const o of API7_CLI_OVERRIDES) mounts.push({ hostPath: join(moduleDir, o.source), containerPath: o.target, readOnly: true });
  }
  return mounts;
}
