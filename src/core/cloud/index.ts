export { CloudClient, type CloudClientOptions, type ControlPlaneClient } from './client.ts';
export { CloudApiError, type CloudErrorKind } from './errors.ts';
export { unwrapEnvelope } from './envelope.ts';
export * from './types.ts';
