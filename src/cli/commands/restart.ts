import { requireContainer, restartGateway } from '../../core/gateway/restart.ts';
import { resolveCluster } from '../../core/gateway/resolve.ts';
import { openSession } from '../../core/gateway/session.ts';
import { waitUntilRegistered } from '../../core/gateway/wait-registered.ts';
import type { CliCommand } from '../command.ts';
import { PROFILE_FLAG, parseFlags } from '../flags.ts';

const usage = `Usage: gateway-tray restart [options]

Restarts the profile's gateway container and waits until it heartbeats again.

Options:
  -p, --profile NAME   profile (default: the default profile)
  --no-wait            do not wait for the first heartbeat`;

export const restartCommand: CliCommand = {
  name: 'restart',
  summary: 'Restart the gateway container',
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { ...PROFILE_FLAG, 'no-wait': { type: 'boolean' } }, usage);
    const session = await openSession({ env: io.env, ...(values.profile ? { profile: values.profile } : {}), notice: (l) => io.err(l) });
    const where = { home: session.home, profile: session.profile.name };
    const { instanceId } = await requireContainer(session.engine, where, 'restart');
    const container = await restartGateway(session.engine, where);
    io.out(`Restarted ${container.name}.`);
    if (values['no-wait'] || !session.client) {
      if (!values['no-wait']) io.err(`Not waiting for registration: ${session.controlPlaneProblem ?? 'no control plane'}.`);
      return 0;
    }
    const ctx = session.context();
    const { clusterId } = await resolveCluster(ctx, await ctx.client.me());
    const reg = await waitUntilRegistered(session.engine, ctx.client, { clusterId, instanceId, containerId: container.id });
    io.out(`Heartbeating again (last heartbeat ${reg.instance.last_seen_time}).`);
    return 0;
  },
};
