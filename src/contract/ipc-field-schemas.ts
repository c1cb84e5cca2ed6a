import { z } from 'zod';

/*
 * The fields that the IPC contract's argument schemas share. Internal to the contract: the contract
 * (ipc-contract.ts) re-exports the argument schemas built from them, not these.
 */

const PORT_MESSAGE = 'a port is a whole number from 1 to 65535';
export const port = z.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE);
/** Messages say what to type, field by field (the UI shows them beside the field). */
export const apiUrlSchema = z.url({ error: 'a control-plane address is a URL such as https://cp.example.com' }).max(2048);
export const tokenSchema = z.string({ error: 'paste the access token' }).min(1, 'paste the access token').max(8192, 'an access token is at most 8192 characters');
export const profileName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a profile name is 1 to 32 lowercase letters, digits and "-"');
/** A Docker image reference; the core checks the full grammar again before it is stored. */
export const image = z.string().min(1).max(255).regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'an image is a Docker reference such as apache/apisix:3.13.0-debian');
export const routeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a route id is 1-64 letters, digits, "_" or "-"');
/** The argument of a request that takes none. */
export const noArgs = z.undefined();
