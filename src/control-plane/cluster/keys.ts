/**
 * Where the cluster's state lives in etcd: under a prefix of ours, outside APISIX's (`/apisix/`), so the
 * config centre never shows it to gateways (its key guard admits only APISIX's folder).
 */
export const DEFAULT_CLUSTER_PREFIX = '/gateway-tray-cluster/';

export function clusterKeys(prefix: string) {
  const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return {
    prefix: p,
    identity: `${p}identity`,
    caCert: `${p}ca/cert`,
    caKeySealed: `${p}ca/key.sealed`,
    jwtSecretSealed: `${p}auth/jwt-secret.sealed`,
    adminTokenSealed: `${p}auth/admin-token.sealed`,
    tokens: `${p}auth/tokens`,
    revoked: `${p}revoked/`,
    instances: `${p}instances/`,
    watches: `${p}watches/`,
    signers: `${p}signers/`,
  };
}

export type ClusterKeys = ReturnType<typeof clusterKeys>;

export function checkClusterPrefix(prefix: string): void {
  if (!prefix.startsWith('/') || prefix.startsWith('/apisix')) {
    throw new Error(`the cluster prefix "${prefix}" must start with / and lie outside APISIX's /apisix folder`);
  }
}
