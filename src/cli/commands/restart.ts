import { restartFresh } from '../../core/gateway/fresh-restart.ts';
import { restartGateway } from '../../core/gateway/restart.ts';
import { openSession } from '../../core/gateway/session.ts';
import type { CliCommand } from '../command.ts';
import { PROFILE_FLAG, parseFlags } from '../flags.ts';

const usage = `Usage: gateway-tray restart [options]

Restarts the profile's gateway container and waits until it heartbeats again. When its config names a
data-plane address that is not the control plane's live one, or the container had crashed, the config
is rendered again and the container recreated (it says so).

Options:
  -p, --profile NAME   profile (default: the default profile)
  --no-wait            do not wait for the first heartbeat`;

export const restartCommand: CliCommand = {
  name: 'restart',
  summary: 'Restart the gateway container (recreated when its config is stale)',
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { ...PROFILE_FLAG, 'no-wait': { type: 'boolean' } }, usage);
    const session = await openSession({ env: io.env, ...(values.profile ? { profile: values.profile } : {}), notice: (l) => io.err(l) });
    if (!session.client) {
      // Without the control plane nothing can be re-rendered: a plain restart is all there is.
      const container = await restartGateway(session.engine, { home: session.home, profile: session.profile.name });
      io.out(`Restarted ${container.name}.`);
      io.err(`Not checking its config or waiting for registration: ${session.controlPlaneProblem ?? 'no control plane'}.`);
      return 0;
    }
    const r = await restartFresh(session.context(), { wait: !values['no-wait'] });
    if (r.recreated) io.out(`${r.recreated}.\nRecreated ${r.containerName}.`);
    else io.out(`Restarted ${r.containerName}.`);
    if (r.lastHeartbeatAt) io.out(`Heartbeating again (last heartbeat ${r.lastHeartbeatAt}).`);
    return 0;
  },
};
