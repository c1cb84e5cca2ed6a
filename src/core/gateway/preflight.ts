import { CloudApiError } from '../cloud/errors.ts';
import type { User } from '../cloud/types.ts';
import { PortInUseError } from '../engine/errors.ts';
import { assertPortsFree } from '../engine/port-check.ts';
import type { PortBinding } from '../engine/types.ts';
import { GatewayError, messageOf } from './errors.ts';
import type { GatewayContext } from './types.ts';

/** The engine answers; otherwise nothing else is worth trying. */
export async function checkEngine(ctx: GatewayContext, signal?: AbortSignal): Promise<void> {
  try {
    await ctx.engine.ping({ timeoutMs: 5000, ...(signal ? { signal } : {}) });
  } catch (err) {
    throw new GatewayError('preflight', messageOf(err), { cause: err });
  }
}

/** Every host port the gateway will publish is free, before anything is created. */
export async function checkPorts(bindings: PortBinding[]): Promise<void> {
  try {
    await assertPortsFree(bindings);
  } catch (err) {
    if (err instanceof PortInUseError) {
      throw new GatewayError('preflight', `${err.message} (the profile's ports are proxy ${bindings.map((b) => b.hostPort).join(', ')}; change them with 'gateway-tray profiles add' or in the app's settings)`, { cause: err });
    }
    throw new GatewayError('preflight', `Could not check the host ports: ${messageOf(err)}`, { cause: err });
  }
}

/** The token is valid: GET /user/me answers. */
export async function checkToken(ctx: GatewayContext): Promise<User> {
  try {
    return await ctx.client.me();
  } catch (err) {
    if (err instanceof CloudApiError && err.kind === 'unauthorized') {
      const fix = ctx.profile.kind === 'local'
        ? "the local control plane's admin token was refused; its token file may be from another control plane: restart it with 'gateway-tray control-plane'"
        : `store a fresh token with 'gateway-tray profiles add ${ctx.profile.name} --cloud --url <url> --token-stdin' (remove the profile first)`;
      throw new GatewayError('preflight', `The control plane refused the token of profile "${ctx.profile.name}": ${fix}.`, { cause: err });
    }
    throw new GatewayError('preflight', `The control plane of profile "${ctx.profile.name}" could not be asked who we are: ${messageOf(err)}`, { cause: err });
  }
}
