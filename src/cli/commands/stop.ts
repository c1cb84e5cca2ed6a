import { openSession } from '../../core/gateway/session.ts';
import { retireWithContext } from '../../core/gateway/revoke.ts';
import { stopGateway } from '../../core/gateway/stop.ts';
import type { CliCommand } from '../command.ts';
import { PROFILE_FLAG, parseFlags, positiveInt } from '../flags.ts';

const usage = `Usage: gateway-tray stop [options]

Stops the profile's gateway. The control plane will show it as lost, then offline.

Options:
  -p, --profile NAME   profile (default: the default profile)
  --rm                 also remove the container, and revoke and delete its certificate (the
                       instance id is kept: a later launch is the same gateway, with a new one)
  --time SECONDS       grace period before Docker kills it (default 10)
  --json               print what was done as JSON`;

export const stopCommand: CliCommand = {
  name: 'stop',
  summary: 'Stop the gateway (--rm to remove its container)',
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { ...PROFILE_FLAG, rm: { type: 'boolean' }, time: { type: 'string' }, json: { type: 'boolean' } }, usage);
    const t = positiveInt('--time', values.time);
    const session = await openSession({ env: io.env, ...(values.profile ? { profile: values.profile } : {}), notice: (l) => io.err(l) });
    const result = await stopGateway(session.engine, { home: session.home, profile: session.profile.name }, {
      remove: Boolean(values.rm),
      ...(t ? { timeoutSeconds: t } : {}),
      ...(values.rm ? { retire: retireWithContext(() => session.context(), (l) => io.err(l)) } : {}),
    });
    if (values.json) io.out(JSON.stringify({ profile: session.profile.name, ...result }));
    else if (result.stopped.length === 0 && result.removed.length === 0) io.out(`The gateway of profile "${session.profile.name}" is not running.`);
    else {
      if (result.stopped.length > 0) io.out(`Stopped ${result.stopped.join(', ')}.`);
      if (result.removed.length > 0) io.out(`Removed ${result.removed.join(', ')}.`);
      if (result.revoked && result.revoked.length > 0) io.out(`Revoked its certificate ${result.revoked.join(', ')}.`);
      for (const file of result.keptLogs) io.out(`It had crashed; its last log lines are in ${file}.`);
    }
    return 0;
  },
};
