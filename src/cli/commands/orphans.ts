import { adoptOrphan, findOrphanGateways, removeOrphan, type OrphanGateway } from '../../core/app/orphan-gateways.ts';
import { openSession } from '../../core/gateway/session.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { parseFlags } from '../flags.ts';

const usage = `Usage: gateway-tray orphans [list | adopt PROFILE | remove PROFILE] [--json]

Gateways of this home found by their container labels whose profile is gone (removed, or set aside
with a damaged settings file). 'adopt' re-creates the profile from the container (name, image, module,
ports; as a local profile), so status and launch find the gateway again; 'remove' stops and removes
its container.`;

export const orphansCommand: CliCommand = {
  name: 'orphans',
  summary: 'List gateways whose profile is gone; adopt or remove them',
  usage,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } }, usage, true);
    const [verb = 'list', name] = positionals;
    const session = await openSession({ env: io.env, notice: (l) => io.err(l) });
    const orphans = await findOrphanGateways(session.engine, session.home, session.store.list().map((p) => p.name));
    if (verb === 'list') {
      if (values.json) io.out(JSON.stringify({ orphans }, null, 2));
      else if (orphans.length === 0) io.out('No gateway without a profile.');
      else for (const o of orphans) io.out(describe(o));
      return 0;
    }
    if (verb !== 'adopt' && verb !== 'remove') throw new UsageError(`unknown action '${verb}': use list, adopt or remove.\n\n${usage}`);
    if (!name) throw new UsageError(`${verb} needs the profile name the container carries.`);
    const matching = orphans.filter((o) => o.profile === name);
    if (matching.length === 0) throw new UsageError(`no gateway without a profile carries profile "${name}"; 'gateway-tray orphans' lists them.`);
    if (verb === 'adopt') {
      const profile = adoptOrphan(session.store, matching[0]!);
      io.out(`Profile "${profile.name}" re-created from ${matching[0]!.containerName} (image ${profile.image}); 'gateway-tray status -p ${profile.name}' shows it.`);
      return 0;
    }
    for (const o of matching) {
      await removeOrphan(session.engine, o);
      io.out(`Removed ${o.containerName}.`);
    }
    return 0;
  },
};

function describe(o: OrphanGateway): string {
  const state = o.running ? 'running' : 'not running';
  return `${o.containerName}: profile "${o.profile}" is gone (${state}, ${o.image}). Adopt: gateway-tray orphans adopt ${o.profile}; remove: gateway-tray orphans remove ${o.profile}`;
}
