import { UsageError, type CliCommand } from '../command.ts';
import { parseFlags } from '../flags.ts';
import { createDockerClient, pingEngine } from '../../core/engine/client.ts';
import { discoverLocalEndpoint } from '../../core/engine/discovery.ts';
import { EngineConfigError } from '../../core/engine/errors.ts';
import type { DiscoveryResult, EngineVersion } from '../../core/engine/types.ts';

const usage = `Usage: gateway-tray engine [--host URL] [--json]

Shows which Docker endpoint the app uses, why it chose it, and the engine's version.
The endpoint is chosen like the docker CLI does: --host, then DOCKER_HOST, then the
current docker context, then the sockets of Docker Desktop, Colima, Rancher Desktop,
OrbStack, Podman and /var/run/docker.sock.

Options:
  --host URL   use this endpoint (unix://, npipe:// or tcp://) instead of discovering one
  --json       print the result as JSON

Exit codes: 0 when the engine answers, 1 when it does not, 2 for bad options.`;

type Report =
  | { status: 'ready'; engine: EngineVersion }
  | { status: 'unavailable'; error: string };

export const engineCommand: CliCommand = {
  name: 'engine',
  summary: 'Show the Docker endpoint in use, why, and its version',
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { host: { type: 'string' }, json: { type: 'boolean' } }, usage);
    let discovery: DiscoveryResult;
    try {
      discovery = discoverLocalEndpoint({
        env: io.env,
        ...(values.host !== undefined ? { explicitHost: values.host, explicitLabel: '--host' } : {}),
      });
    } catch (err) {
      // A bad --host is the caller's mistake; a bad DOCKER_HOST or context is the environment's.
      if (err instanceof EngineConfigError && values.host !== undefined) throw new UsageError(err.message);
      throw err;
    }

    let report: Report;
    try {
      const engine = await pingEngine(createDockerClient(discovery.endpoint), discovery.endpoint);
      report = { status: 'ready', engine };
    } catch (err) {
      report = { status: 'unavailable', error: err instanceof Error ? err.message : String(err) };
    }

    if (values.json) {
      io.out(JSON.stringify({ endpoint: discovery.endpoint.url, source: discovery.source, reason: discovery.reason, notes: discovery.notes, ...report }, null, 2));
    } else {
      io.out(`Endpoint: ${discovery.endpoint.url}`);
      io.out(`Chosen:   ${discovery.reason}`);
      for (const note of discovery.notes) io.out(`Note:     ${note}`);
      if (report.status === 'ready') {
        const { version, apiVersion, os, arch } = report.engine;
        io.out(`Engine:   Docker ${version} (API ${apiVersion}, ${os}/${arch})`);
      } else {
        io.err(`Engine:   unavailable: ${report.error}`);
      }
    }
    return report.status === 'ready' ? 0 : 1;
  },
};
