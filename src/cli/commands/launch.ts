import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppSettingsStore } from '../../core/app/app-settings.ts';
import { gatewayTrayHome } from '../../core/config/home.ts';
import { launchGateway } from '../../core/gateway/launch.ts';
import { openSession } from '../../core/gateway/session.ts';
import type { LaunchResult } from '../../core/gateway/types.ts';
import { publishedGatewayPorts } from '../../core/app/published-ports.ts';
import type { CliCommand } from '../command.ts';
import { parseEtcdImage, parseEtcdUrl } from '../etcd-flag.ts';
import { resolveEtcdImage } from '../../core/gateway/etcd-image.ts';
import { createProgressReporter } from '../progress.ts';
import { PROFILE_FLAG, parseFlags, positiveInt } from '../flags.ts';

const usage = `Usage: gateway-tray launch [options]

Launches the profile's gateway and returns once it is registered with its control plane. Idempotent: a
gateway that already runs is adopted and nothing is created. A failure rolls back what the launch made.
With the local profile, the local control plane is found through
$GATEWAY_TRAY_HOME/control-plane/control-plane.json, or started in the background when none answers.

Options:
  -p, --profile NAME   profile to launch (default: the default profile)
  --image REF          use this image instead of the profile's
  --etcd URL           local profile: the etcd for a control plane started now (default: start the
                       PATH's etcd with its data under $GATEWAY_TRAY_HOME/etcd, else etcd in a
                       Docker container)
  --etcd-image REF     the image of that etcd container (default: $GATEWAY_TRAY_ETCD_IMAGE, else the
                       desktop app's etcd-image setting, else quay.io/coreos/etcd:v3.5.21)
  --recreate           replace a running gateway instead of adopting it (to apply --image, say)
  --expose             publish the proxy ports (9080, 9443) on all interfaces instead of 127.0.0.1
  --timeout SECONDS    how long to wait for registration (default 60)
  --json               print the result as JSON (progress still goes to stderr)
  -q, --quiet          no progress`;

/** What an adopted gateway does not honour: the image asked for, when the running one has another. */
export function adoptionNotes(result: Pick<LaunchResult, 'adopted' | 'image'>, asked: string | undefined, saved: string): string[] {
  if (!result.adopted) return [];
  const wanted = asked ?? saved;
  if (wanted === result.image) return [];
  return [`The running gateway uses ${result.image}, not ${wanted}: it was adopted as it is. To run ${wanted}, stop it ('gateway-tray stop') and launch again.`];
}

export function moduleText(module: LaunchResult['module']): string {
  if (module === 'api7') return "API7's Cloud Lua Module (api7)";
  if (module === 'open-agent') return "Gateway Tray's open agent (open-agent)";
  return 'unknown (the container predates module labels)';
}

/** The desktop app's etcd-image setting, when the app has saved settings here; the CLI creates none. */
function savedEtcdImage(home: string): string | undefined {
  return existsSync(join(home, 'app-settings.json')) ? new AppSettingsStore(home).get().etcdImage : undefined;
}

export const launchCommand: CliCommand = {
  name: 'launch',
  summary: 'Launch the gateway and wait until it is registered',
  usage,
  cancellable: true,
  async run(args, io) {
    const { values } = parseFlags(
      args,
      { ...PROFILE_FLAG, image: { type: 'string' }, etcd: { type: 'string' }, 'etcd-image': { type: 'string' }, expose: { type: 'boolean' }, recreate: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } },
      usage,
    );
    const timeout = positiveInt('--timeout', values.timeout);
    const etcdUrl = values.etcd === undefined ? undefined : parseEtcdUrl(values.etcd);
    const etcdImage = resolveEtcdImage({
      flag: values['etcd-image'] === undefined ? undefined : parseEtcdImage(values['etcd-image']),
      setting: savedEtcdImage(gatewayTrayHome(io.env)),
      env: io.env,
    });
    const progress = createProgressReporter(process.stderr, { quiet: Boolean(values.quiet) });
    try {
      progress.update({ stage: 'control-plane', status: 'start', message: 'Finding the control plane' });
      const session = await openSession({
        env: io.env,
        ...(values.profile ? { profile: values.profile } : {}),
        startControlPlane: true,
        ...(etcdUrl ? { etcdUrl } : {}),
        etcdImage,
        notice: (line) => {
          progress.finish();
          io.err(line);
        },
      });
      progress.update({ stage: 'control-plane', status: session.client ? 'done' : 'skipped', message: session.apiUrl ?? session.controlPlaneProblem ?? '' });
      const result = await launchGateway(session.context(), {
        ...(values.image ? { image: values.image } : {}),
        ...(values.expose ? { proxyBindAddress: '0.0.0.0' } : {}),
        ...(values.recreate ? { recreate: true } : {}),
        ...(timeout ? { registerTimeoutMs: timeout * 1000 } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: (p) => progress.update(p),
      });
      progress.finish();
      if (values.json) {
        io.out(JSON.stringify({ profile: session.profile.name, ...result }, null, 2));
      } else {
        io.out(`${result.adopted ? 'Already running; adopted' : 'Launched'} ${result.containerName} (${result.containerId.slice(0, 12)}) for profile "${session.profile.name}".`);
        for (const line of result.notices ?? adoptionNotes(result, values.image, session.profile.image)) io.err(line);
        io.out(`Instance ${result.instanceId} registered at ${result.registeredAt ?? '?'}; last heartbeat ${result.lastHeartbeatAt ?? '?'}.`);
        io.out(`Module: ${moduleText(result.module)}`);
        const ports = { ...result.ports, ...(await session.engine.inspectContainer(result.containerId).then(publishedGatewayPorts, () => ({}))) };
        io.out(`Gateway: http://127.0.0.1:${ports.http}  (https ${ports.https}, control 127.0.0.1:${ports.control}, prometheus 127.0.0.1:${ports.prometheus})`);
      }
      return 0;
    } finally {
      progress.finish();
    }
  },
};
