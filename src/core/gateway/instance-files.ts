import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { PRIVATE_DIR_MODE, PUBLIC_FILE_MODE, ensureDir, writeFileAtomic } from '../credentials/atomic-write.ts';
import { GatewayError, messageOf } from './errors.ts';
import type { InstancePaths } from './paths.ts';
import type { Rollback } from './rollback.ts';

function snapshot(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The file holds exactly this, with the mode it would be written with. */
function alreadyHolds(path: string, before: string | undefined, content: string): boolean {
  if (before !== content) return false;
  try {
    return (statSync(path).mode & 0o777) === PUBLIC_FILE_MODE;
  } catch {
    return false;
  }
}

/**
 * Writes apisix.uid and config.yaml for one instance. Both are bind-mounted read-only and hold no
 * secret, so 0644 lets the gateway's user (uid 636) read them; the folder stays 0700 because Docker
 * mounts the files themselves. What was there before comes back if the launch fails.
 */
export function writeInstanceFiles(paths: InstancePaths, instanceId: string, configYaml: string, rollback?: Rollback): void {
  const before = { config: snapshot(paths.configFile), uid: snapshot(paths.uidFile) };
  try {
    ensureDir(paths.dir, PRIVATE_DIR_MODE);
    // A re-launch usually renders the same files: rewriting them would cost two fsyncs each and change nothing.
    if (!alreadyHolds(paths.uidFile, before.uid, instanceId)) writeFileAtomic(paths.uidFile, instanceId, PUBLIC_FILE_MODE);
    if (!alreadyHolds(paths.configFile, before.config, configYaml)) writeFileAtomic(paths.configFile, configYaml, PUBLIC_FILE_MODE);
  } catch (err) {
    throw new GatewayError('files', `Could not write the gateway's files in ${paths.dir}: ${messageOf(err)}. Check that the folder is writable.`, { cause: err });
  }
  rollback?.add('the instance files', () => {
    for (const [path, old] of [[paths.configFile, before.config], [paths.uidFile, before.uid]] as const) {
      if (old === undefined) rmSync(path, { force: true });
      else writeFileAtomic(path, old, PUBLIC_FILE_MODE);
    }
  });
}
