import { messageOf } from '../gateway/errors.ts';
import type { Checker } from './types.ts';

export const engineCheck: Checker = {
  id: 'engine',
  title: 'Docker engine',
  async run({ engine }) {
    try {
      const v = await engine.ping({ timeoutMs: 5000 });
      return { status: 'ok', detail: `Docker ${v.version} (API ${v.apiVersion}, ${v.os}/${v.arch}) answers at ${engine.endpoint.url}` };
    } catch (err) {
      return { status: 'fail', detail: messageOf(err), fix: 'Start Docker (or Docker Desktop, Colima, Podman), or point DOCKER_HOST at a running engine.' };
    }
  },
};
