import { CloudClient } from '../../core/cloud/client.ts';
import { gatewayTrayHome } from '../../core/config/home.ts';
import { openHomeSecretStore } from '../../core/credentials/home-secret-store.ts';
import { retireProfileCertificates } from '../../core/gateway/retire-profile.ts';
import { ProfileStore } from '../../core/credentials/profile-store.ts';
import { PROFILE_NAME_PATTERN, type Profile } from '../../core/credentials/profile-schema.ts';
import { profileTokenKey } from '../../core/credentials/secret-store.ts';
import { MODULE_SETTING_HINT, moduleSettingSchema } from '../../core/module/module-setting.ts';
import { UsageError, type CliCommand, type CliIO } from '../command.ts';
import { parseFlags, positiveInt } from '../flags.ts';

const usage = `Usage: gateway-tray profiles <list|add|set-token|use|remove> [options]

  profiles list [--json]
  profiles add NAME [--cloud --url URL --token-stdin] [--cluster ID] [--image REF]
               [--module auto|open-agent|api7|URL]
               [--http-port N] [--https-port N] [--control-port N] [--prometheus-port N] [--use]
  profiles set-token NAME --token-stdin [--no-verify]
  profiles use NAME
  profiles remove NAME

A cloud profile's token is read from stdin (never from a flag: flags end up in shell history and in
'ps'), checked against the control plane's /user/me, and kept in the secret store, never in settings.
  echo "$TOKEN" | gateway-tray profiles add team --cloud --url https://cp.example.com --token-stdin
set-token replaces the token of an existing cloud profile (revoked, or lost with a damaged secrets
file), checked the same way; the profile's ports, image and cluster stay as they are.

--module says which Lua module the gateway runs (default auto):
  auto        what the startup template names: Gateway Tray's open agent for gateway_tray_agent.hook,
              API7's Cloud Lua Module for the hook "cloud" (API7 Cloud's template)
  open-agent  Gateway Tray's open agent, whatever the template names (the template is adapted)
  api7        API7's Cloud Lua Module, downloaded as cloud-cli does, without a token, from
              $API7_CLOUD_LUA_MODULE_URL or cloud-cli's default URL, and cached under
              $GATEWAY_TRAY_HOME/modules
  URL         API7's Cloud Lua Module from this http(s) URL`;

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function describe(p: Profile, isDefault: boolean): string {
  const where = p.kind === 'cloud' ? p.apiUrl : 'local control plane';
  const ports = `ports ${p.ports.proxyHttp}/${p.ports.proxyHttps}/${p.ports.control}/${p.ports.prometheus}`;
  return `${isDefault ? '*' : ' '} ${p.name.padEnd(16)} ${p.kind.padEnd(5)} ${where}  ${p.image}  ${ports}  module ${p.module}${p.clusterId ? `  cluster ${p.clusterId}` : ''}`;
}

function list(store: ProfileStore, io: CliIO, json: boolean): number {
  const def = store.defaultName();
  if (json) io.out(JSON.stringify({ defaultProfile: def, profiles: store.list() }, null, 2));
  else for (const p of store.list()) io.out(describe(p, p.name === def));
  return 0;
}

async function add(store: ProfileStore, home: string, args: string[], io: CliIO): Promise<number> {
  if (args.some((a) => a === '--token' || a.startsWith('--token='))) {
    throw new UsageError('never pass a token as a flag (it lands in shell history and ps); pipe it in with --token-stdin');
  }
  const { values, positionals } = parseFlags(
    args,
    {
      cloud: { type: 'boolean' }, url: { type: 'string' }, 'token-stdin': { type: 'boolean' }, 'no-verify': { type: 'boolean' }, cluster: { type: 'string' }, image: { type: 'string' }, module: { type: 'string' },
      'http-port': { type: 'string' }, 'https-port': { type: 'string' }, 'control-port': { type: 'string' }, 'prometheus-port': { type: 'string' }, use: { type: 'boolean' },
    },
    usage,
    true,
  );
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError(`profiles add takes one NAME\n\n${usage}`);
  if (values.cloud && (!values.url || !values['token-stdin'])) throw new UsageError('a cloud profile needs --url URL and --token-stdin');
  // Everything that can be checked without the token is checked before it is read or sent anywhere.
  if (!PROFILE_NAME_PATTERN.test(name)) throw new UsageError(`"${name}" is not a profile name: use 1 to 32 lowercase letters, digits and "-", starting with a letter or digit`);
  if (store.has(name)) throw new UsageError(`a profile named "${name}" already exists; its ports and image stay as they are. Remove it first ('gateway-tray profiles remove ${name}') to add it anew.`);
  if (values.url !== undefined && !isHttpUrl(values.url)) throw new UsageError(`--url ${values.url}: not a URL; give the control plane's address, such as https://cp.example.com`);
  if (!values.cloud && (values.url || values['token-stdin'])) throw new UsageError('--url and --token-stdin are for cloud profiles: add --cloud');
  const ports = {
    proxyHttp: positiveInt('--http-port', values['http-port']),
    proxyHttps: positiveInt('--https-port', values['https-port']),
    control: positiveInt('--control-port', values['control-port']),
    prometheus: positiveInt('--prometheus-port', values['prometheus-port']),
  };
  if (values.module !== undefined && !moduleSettingSchema.safeParse(values.module).success) {
    throw new UsageError(`--module ${values.module}: ${MODULE_SETTING_HINT}`);
  }
  const common = {
    name,
    ...(values.cluster ? { clusterId: values.cluster } : {}),
    ...(values.image ? { image: values.image } : {}),
    ...(values.module !== undefined ? { module: values.module } : {}),
    ports,
  };
  let token: string | undefined;
  if (values.cloud) {
    token = await readStdin();
    if (!token) throw new UsageError('no token arrived on stdin');
    if (!values['no-verify']) {
      try {
        await new CloudClient({ baseUrl: values.url!, token, timeoutMs: 10_000 }).me();
      } catch (err) {
        throw new Error(`The control plane at ${values.url} did not accept the token (${err instanceof Error ? err.message : String(err)}); check both, or add --no-verify to store it anyway.`, { cause: err });
      }
    }
  }
  const profile = store.add(values.cloud ? { ...common, kind: 'cloud', apiUrl: values.url } : { ...common, kind: 'local' });
  if (token !== undefined) {
    const { store: secrets } = await openHomeSecretStore({ home, env: io.env, log: (l) => io.err(l) });
    for (const n of secrets.takeNotices?.() ?? []) io.err(n.message);
    try {
      await secrets.set(profileTokenKey(name), token);
    } catch (err) {
      store.remove(name);
      throw err;
    }
    io.err(`The token is kept in the secret store (${secrets.backend().name}), not in settings.`);
  }
  if (values.use) store.use(name);
  io.out(`Added profile "${profile.name}"${values.use ? ' and made it the default' : ''}.`);
  return 0;
}

async function verifyToken(apiUrl: string, token: string): Promise<void> {
  try {
    await new CloudClient({ baseUrl: apiUrl, token, timeoutMs: 10_000 }).me();
  } catch (err) {
    throw new Error(`The control plane at ${apiUrl} did not accept the token (${err instanceof Error ? err.message : String(err)}); check it, or add --no-verify to store it anyway.`, { cause: err });
  }
}

async function setToken(store: ProfileStore, home: string, args: string[], io: CliIO): Promise<number> {
  if (args.some((a) => a === '--token' || a.startsWith('--token='))) {
    throw new UsageError('never pass a token as a flag (it lands in shell history and ps); pipe it in with --token-stdin');
  }
  const { values, positionals } = parseFlags(args, { 'token-stdin': { type: 'boolean' }, 'no-verify': { type: 'boolean' } }, usage, true);
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError(`profiles set-token takes one NAME\n\n${usage}`);
  if (!values['token-stdin']) throw new UsageError('pipe the token in with --token-stdin');
  const profile = store.get(name);
  if (profile.kind !== 'cloud') throw new UsageError(`profile "${name}" uses the embedded local control plane, which needs no token`);
  const token = await readStdin();
  if (!token) throw new UsageError('no token arrived on stdin');
  if (!values['no-verify']) await verifyToken(profile.apiUrl, token);
  const { store: secrets } = await openHomeSecretStore({ home, env: io.env, log: (l) => io.err(l) });
  for (const n of secrets.takeNotices?.() ?? []) io.err(n.message);
  await secrets.set(profileTokenKey(name), token);
  io.out(`The token of profile "${name}" was replaced; it is kept in the secret store (${secrets.backend().name}).`);
  return 0;
}

export const profilesCommand: CliCommand = {
  name: 'profiles',
  summary: 'List, add, re-token, choose or remove profiles (local or cloud control planes)',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    const home = gatewayTrayHome(io.env);
    const store = new ProfileStore({ home });
    for (const n of store.takeNotices()) io.err(n.message);
    switch (sub) {
      case undefined:
      case 'list': {
        const { values } = parseFlags(rest, { json: { type: 'boolean' } }, usage);
        return list(store, io, Boolean(values.json));
      }
      case 'add':
        return add(store, home, rest, io);
      case 'set-token':
        return setToken(store, home, rest, io);
      case 'use': {
        const { positionals } = parseFlags(rest, {}, usage, true);
        if (positionals.length !== 1) throw new UsageError(`profiles use takes one NAME\n\n${usage}`);
        store.use(positionals[0]!);
        io.out(`"${positionals[0]}" is now the default profile.`);
        return 0;
      }
      case 'remove': {
        const { positionals } = parseFlags(rest, {}, usage, true);
        if (positionals.length !== 1) throw new UsageError(`profiles remove takes one NAME\n\n${usage}`);
        const name = positionals[0]!;
        // An unknown name, or the only profile, fails here with its own message, before anything is revoked.
        if (store.get(name) && store.list().length <= 1) store.remove(name);
        const { store: secrets } = await openHomeSecretStore({ home, env: io.env, log: (l) => io.err(l) });
        // While its token is still there: its certificates are revoked, so no copy can heartbeat as it.
        const revoked = await retireProfileCertificates(name, { env: io.env, secrets, log: (l) => io.err(l) });
        if (revoked.length > 0) io.err(`Revoked its gateway certificate ${revoked.join(', ')}.`);
        const result = store.remove(name);
        await secrets.delete(profileTokenKey(name));
        io.out(`Removed profile "${name}"; the default is "${result.defaultProfile}".`);
        return 0;
      }
      default:
        throw new UsageError(`unknown profiles command '${sub}'\n\n${usage}`);
    }
  },
};
