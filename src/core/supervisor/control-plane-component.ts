import { locateLocalControlPlane } from '../gateway/local-control-plane.ts';
import type { ComponentFacts } from './component-snapshot.ts';
import type { SupervisedComponent } from './component-supervisor.ts';

/**
 * The local control plane, checked through its own API (control-plane.json, the admin token, `/me`).
 * Hosted in this process it is the app itself, so it has no restart here; run by another process (the
 * CLI's background one) it is that process's to restart (`gateway-tray control-plane stop`, then launch).
 */
export function watchedControlPlane(home: string, facts: ComponentFacts, owner: SupervisedComponent['owner']): SupervisedComponent {
  return {
    id: 'control-plane',
    owner,
    facts: () => facts,
    async check() {
      const found = await locateLocalControlPlane(home, 3000);
      return 'info' in found ? undefined : found.problem;
    },
  };
}
