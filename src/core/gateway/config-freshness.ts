import { readFileSync } from 'node:fs';
import { renderStartupTemplate, type RenderedConfig } from './template.ts';

export interface StaleConfig {
  /** The config-centre hosts the gateway's config.yaml names. */
  configured: string[];
  /** The ones the control plane names now. */
  live: string[];
  message: string;
}

function same(a: string[], b: string[]): boolean {
  const norm = (h: string[]) => [...new Set(h.map((u) => new URL(u).href))].sort();
  const [x, y] = [norm(a), norm(b)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function renderedOnDisk(configFile: string): RenderedConfig | undefined {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return renderStartupTemplate(text);
  } catch {
    return undefined;
  }
}

/** The config-centre hosts of a config.yaml on disk; undefined when there is none or it names none. */
export function configuredHosts(configFile: string): string[] | undefined {
  return renderedOnDisk(configFile)?.hosts;
}

/** The data-plane URL (the first host) and SNI of a config.yaml on disk; undefined when it names none. */
export function configuredDataPlane(configFile: string): { url: string; sni?: string } | undefined {
  const rendered = renderedOnDisk(configFile);
  return rendered ? { url: rendered.dataPlaneUrl, ...(rendered.sni ? { sni: rendered.sni } : {}) } : undefined;
}

/**
 * Whether a gateway's config.yaml names a data-plane address that is not the live one (the control
 * plane came back on another port, or another control plane answers now). Such a gateway can never
 * heartbeat again: adopting or restarting it as it is would only hide that. An unreadable config is
 * stale too, since the container was made from something that is gone.
 */
export function staleConfig(configFile: string, liveHosts: string[]): StaleConfig | undefined {
  const configured = configuredHosts(configFile);
  if (configured && same(configured, liveHosts)) return undefined;
  const was = configured ? configured.join(', ') : 'no readable config centre';
  return {
    configured: configured ?? [],
    live: liveHosts,
    message: `The gateway's config names ${was}, but the control plane now listens at ${liveHosts.join(', ')}: re-rendering config.yaml and recreating the container`,
  };
}
