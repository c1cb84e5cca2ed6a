import { assertPortsFree } from '../engine/port-check.ts';
import { portBindings } from '../gateway/container-spec.ts';
import { instanceContainers } from '../gateway/instance-lookup.ts';
import { portsOf } from '../gateway/types.ts';
import { messageOf } from '../gateway/errors.ts';
import type { Checker } from './types.ts';

/** The profile's host ports are free, or held by this profile's own running gateway. */
export const portsCheck: Checker = {
  id: 'ports',
  title: 'Host ports',
  async run({ engine, home, profile }) {
    const ports = portsOf(profile);
    const list = `${ports.http}, ${ports.https}, ${ports.control}, ${ports.prometheus}`;
    const running = await instanceContainers(engine, home, profile.name).then((r) => r.containers.some((c) => c.running)).catch(() => false);
    if (running) return { status: 'ok', detail: `${list}: held by this profile's running gateway` };
    try {
      await assertPortsFree(portBindings(ports));
      return { status: 'ok', detail: `${list}: free` };
    } catch (err) {
      return { status: 'fail', detail: messageOf(err), fix: `Stop what uses the port, or give profile "${profile.name}" other ports.` };
    }
  },
};
