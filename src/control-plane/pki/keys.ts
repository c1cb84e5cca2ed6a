import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export interface KeyPairPem {
  publicKeyPem: string;
  privateKeyPem: string;
}

/**
 * RSA keys come from node's native crypto, off the event loop: node-forge's pure-JS generation would
 * stall the data-plane listener for seconds. PKCS#1 PEM, which forge, OpenSSL and ngx.ssl all read.
 */
export async function generateRsaKeyPair(bits = 2048): Promise<KeyPairPem> {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}
