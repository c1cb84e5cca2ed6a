import type { Checker } from './types.ts';

/** Which socket won discovery and why, like `docker context show`; notes become warnings. */
export const socketSourceCheck: Checker = {
  id: 'socket-source',
  title: 'Engine socket',
  async run({ discovery }) {
    const detail = `${discovery.endpoint.url}, chosen from ${discovery.source} (${discovery.reason})`;
    if (discovery.notes.length === 0) return { status: 'ok', detail };
    return {
      status: 'warn',
      detail: `${detail}; ${discovery.notes.join('; ')}`,
      fix: 'Check DOCKER_HOST and `docker context ls`; set DOCKER_HOST to the engine you want.',
    };
  },
};
