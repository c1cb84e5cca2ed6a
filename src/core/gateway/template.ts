import { parse } from 'yaml';
import { z } from 'zod';
import { CONTAINER_PATHS } from './paths.ts';

/**
 * Where a config.yaml names its config centre: APISIX 3.x under `deployment.etcd` (any role), APISIX
 * 2.15 (API7 Cloud's template) as a top-level `etcd` with no `deployment`.
 */
export type ConfigLayout = 'apisix-3' | 'apisix-2.15';

/** What the app reads back from a rendered config.yaml: where and how the gateway reaches its control plane. */
export interface RenderedConfig {
  /** The rendered text, exactly as the template wrote it. */
  yaml: string;
  /** The same, parsed; a module choice may rewrite a copy of it. */
  doc: Record<string, unknown>;
  layout: ConfigLayout;
  /** `apisix.lua_module_hook`, when the template names one. */
  hook?: string;
  /** The config-centre hosts, e.g. https://host.docker.internal:7443. */
  hosts: string[];
  /** hosts[0] */
  dataPlaneUrl: string;
  /** `etcd.tls.sni`, when set. */
  sni?: string;
}

/** The variables API7 Cloud's templates use, with the values cloud-cli gives them (cmd/deploy/utils.go). */
export const TEMPLATE_VARIABLES: Readonly<Record<string, string>> = Object.freeze({
  CloudModuleDir: CONTAINER_PATHS.agent,
  TLSDir: CONTAINER_PATHS.tls,
});

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const REPORT = "update Gateway Tray or report it to the control plane's operator";

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/**
 * Go text/template, as far as startup templates use it: `{{.Name}}` and `{{ .Name }}` with a known name.
 * Any other action (pipelines, conditionals, trim markers, comments) is refused by name rather than
 * passed through, so nothing half-rendered reaches APISIX.
 */
export function renderGoTemplate(template: string, variables: Readonly<Record<string, string>> = TEMPLATE_VARIABLES): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = template.indexOf('{{', from);
    if (open < 0) return out + template.slice(from);
    const close = template.indexOf('}}', open + 2);
    if (close < 0) {
      throw new TemplateError(`The control plane's startup template has an unclosed action at line ${lineOf(template, open)} (${template.slice(open, open + 24).split('\n')[0]}); ${REPORT}.`);
    }
    const action = template.slice(open, close + 2);
    const variable = /^\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(action)?.[1];
    if (variable === undefined) {
      throw new TemplateError(`The control plane's startup template has a template action the app does not render (${action}, line ${lineOf(template, open)}); only ${Object.keys(variables).map((k) => `{{ .${k} }}`).join(' and ')} are known; ${REPORT}.`);
    }
    if (!Object.hasOwn(variables, variable)) {
      throw new TemplateError(`The control plane's startup template has a placeholder the app does not know (${action}, line ${lineOf(template, open)}); ${REPORT}.`);
    }
    out += template.slice(from, open) + variables[variable]!;
    from = close + 2;
  }
}

const hostsSchema = z.union([z.string(), z.array(z.string())]).transform((h) => (Array.isArray(h) ? h : [h]));
const etcdSchema = z.looseObject({
  host: hostsSchema,
  tls: z.looseObject({ sni: z.string().optional() }).optional(),
});

function isUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Renders the startup template (PROTOCOL §1, §4, §6) and checks that the result is an APISIX config.yaml
 * that names a config-centre host, in either layout, so a broken template fails here and not inside the
 * container. The role is not checked: API7 Cloud's 2.15-layout template has none.
 */
export function renderStartupTemplate(template: string): RenderedConfig {
  const yaml = renderGoTemplate(template);
  let doc: unknown;
  try {
    doc = parse(yaml);
  } catch (err) {
    throw new TemplateError(`The control plane's startup template is not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); report it to the control plane's operator.`);
  }
  if (!isObject(doc)) throw new TemplateError("The control plane's startup template is not an APISIX config.yaml (not a YAML mapping); report it to the control plane's operator.");

  const layout: ConfigLayout = doc.deployment !== undefined ? 'apisix-3' : 'apisix-2.15';
  const where = layout === 'apisix-3' ? 'deployment.etcd' : 'etcd';
  const etcdRaw = layout === 'apisix-3' ? (isObject(doc.deployment) ? doc.deployment.etcd : undefined) : doc.etcd;
  const etcd = etcdSchema.safeParse(etcdRaw);
  const hosts = etcd.success ? etcd.data.host : [];
  if (!etcd.success || hosts.length === 0 || !hosts.every(isUrl)) {
    throw new TemplateError(
      `The control plane's startup template is not an APISIX config.yaml that names its config centre: ${where}.host must list at least one http(s) URL ` +
        "(APISIX 3.x: deployment.etcd.host; APISIX 2.15: a top-level etcd.host); report it to the control plane's operator.",
    );
  }
  const apisix = isObject(doc.apisix) ? doc.apisix : {};
  const hook = typeof apisix.lua_module_hook === 'string' ? apisix.lua_module_hook : undefined;
  const sni = etcd.data.tls?.sni;
  return { yaml, doc, layout, ...(hook ? { hook } : {}), hosts, dataPlaneUrl: hosts[0]!, ...(sni ? { sni } : {}) };
}
