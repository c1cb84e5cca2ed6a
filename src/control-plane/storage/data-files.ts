import { join } from 'node:path';

/** Where each piece of the control plane's state lives inside its data folder. */
export function dataFiles(dataDir: string) {
  return {
    identity: join(dataDir, 'identity.json'),
    caCert: join(dataDir, 'ca.crt'),
    caKey: join(dataDir, 'ca.key'),
    serverCert: join(dataDir, 'server.crt'),
    serverKey: join(dataDir, 'server.key'),
    revoked: join(dataDir, 'revoked-serials.json'),
    jwtSecret: join(dataDir, 'jwt-secret'),
    tokens: join(dataDir, 'tokens.json'),
    adminToken: join(dataDir, 'admin-token'),
    instances: join(dataDir, 'instances.json'),
    ready: join(dataDir, 'control-plane.json'),
  };
}

export type DataFiles = ReturnType<typeof dataFiles>;
