import { readFile, stat } from 'node:fs/promises';

export const OPERATOR_KEY_ENV = 'GATEWAY_TRAY_CLUSTER_KEY';
const MIN_LENGTH = 16;

/**
 * The operator key that seals the shared secrets: from a file (`--cluster-key-file`, which must not be
 * readable by others) or from GATEWAY_TRAY_CLUSTER_KEY. Never logged, never written anywhere.
 */
export async function readOperatorKey(file: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  let key: string | undefined;
  if (file !== undefined) {
    let info;
    try {
      info = await stat(file);
      key = (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new Error(`cannot read the cluster key file ${file} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
    if ((info.mode & 0o077) !== 0) throw new Error(`the cluster key file ${file} is readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`);
  } else {
    key = env[OPERATOR_KEY_ENV]?.trim();
  }
  if (!key) throw new Error(`--cluster needs the operator key that seals the CA key: --cluster-key-file F or ${OPERATOR_KEY_ENV}`);
  if (key.length < MIN_LENGTH) throw new Error(`the cluster key is shorter than ${MIN_LENGTH} characters; use a long random one (openssl rand -base64 32)`);
  return key;
}
