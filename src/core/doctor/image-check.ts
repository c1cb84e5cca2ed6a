import { messageOf } from '../gateway/errors.ts';
import type { Checker } from './types.ts';

export const imageCheck: Checker = {
  id: 'image',
  title: 'Gateway image',
  async run({ engine, profile }) {
    try {
      if (await engine.imageExists(profile.image)) return { status: 'ok', detail: `${profile.image} is present` };
      return { status: 'warn', detail: `${profile.image} is not present yet`, fix: `'gateway-tray launch' pulls it (or run 'docker pull ${profile.image}' now).` };
    } catch (err) {
      return { status: 'skip', detail: `could not ask Docker: ${messageOf(err)}` };
    }
  },
};
