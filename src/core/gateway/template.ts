import { parse } from 'yaml';
import { z } from 'zod';
import { CONTAINER_PATHS } from './paths.ts';

/** What the app reads back from a rendered config.yaml: where and how the gateway reaches its control plane. */
export interface RenderedConfig {
  yaml: string;
  /** deployment.etcd.host[0], e.g. https://host.docker.internal:7443 */
  dataPlaneUrl: string;
  sni?: string;
}

const renderedSchema = z.looseObject({
  deployment: z.looseObject({
    role: z.literal('data_plane'),
    etcd: z.looseObject({
      host: z.array(z.string().url()).min(1),
      tls: z.looseObject({ cert: z.string(), key: z.string(), sni: z.string().optional() }).optional(),
    }),
  }),
});

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/**
 * Fills the startup template's placeholders (PROTOCOL §4) and checks that the result is a data-plane
 * config.yaml that names a config-centre host, so a broken template fails here and not inside the container.
 */
export function renderStartupTemplate(template: string): RenderedConfig {
  const yaml = template.replaceAll('{{.CloudModuleDir}}', CONTAINER_PATHS.agent).replaceAll('{{.TLSDir}}', CONTAINER_PATHS.tls);
  const leftover = /\{\{\s*\.?[A-Za-z]+\s*\}\}/.exec(yaml);
  if (leftover) throw new TemplateError(`The control plane's startup template has a placeholder the app does not know (${leftover[0]}); update Gateway Tray or report it to the control plane's operator.`);
  let doc: unknown;
  try {
    doc = parse(yaml);
  } catch (err) {
    throw new TemplateError(`The control plane's startup template is not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); report it to the control plane's operator.`);
  }
  const parsed = renderedSchema.safeParse(doc);
  if (!parsed.success) {
    throw new TemplateError('The control plane\'s startup template is not an APISIX data_plane config.yaml with a deployment.etcd.host; report it to the control plane\'s operator.');
  }
  const etcd = parsed.data.deployment.etcd;
  return { yaml, dataPlaneUrl: etcd.host[0]!, ...(etcd.tls?.sni ? { sni: etcd.tls.sni } : {}) };
}
