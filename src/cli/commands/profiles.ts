import type { RecalledProfileView } from '../../contract/ipc-contract.ts';
import { ProfileActions, type NewProfile } from '../../core/app/profiles.ts';
import { RemovedProfiles } from '../../core/app/removed-profiles.ts';
import { CloudClient } from '../../core/cloud/client.ts';
import { gatewayTrayHome } from '../../core/config/home.ts';
import { openHomeSecretStore } from '../../core/credentials/home-secret-store.ts';
import { profileTokenKey, type SecretStore } from '../../core/credentials/secret-store.ts';
import { openLocalEngine } from '../../core/engine/engine.ts';
import { retireProfileCertificates } from '../../core/gateway/retire-profile.ts';
import { ProfileStore } from '../../core/credentials/profile-store.ts';
import { PROFILE_NAME_PATTERN, type Profile } from '../../core/credentials/profile-schema.ts';
import { MODULE_SETTING_HINT, moduleSettingSchema } from '../../core/module/module-setting.ts';
import { UsageError, type CliCommand, type CliIO } from '../command.ts';
import { parseFlags, positiveInt } from '../flags.ts';

const usage = `Usage: gateway-tray profiles <list|add|set-token|use|remove> [options]

  profiles list [--json]
  profiles add NAME [--cloud --url URL --token-stdin] [--cluster ID] [--image REF]
               [--module auto|open-agent|api7|URL]
               [--http-port N] [--https-port N] [--control-port N] [--prometheus-port N] [--use]
               [--defaults]
  profiles set-token NAME --token-stdin [--no-verify]
  profiles use NAME
  profiles remove NAME

A cloud profile's token is read from stdin (never from a flag: flags end up in shell history and in
'ps'), checked against the control plane's /user/me, and kept in the secret store, never in settings.
  echo "$TOKEN" | gateway-tray profiles add team --cloud --url https://cp.example.com --token-stdin
A name that a removed profile had (or that a gateway container still in Docker carries) starts from
its ports and image (and module), as the app does, and says so; flags given still win. --defaults
starts from the defaults instead.
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

async function add(store: ProfileStore, actions: ProfileActions, args: string[], io: CliIO): Promise<number> {
  if (args.some((a) => a === '--token' || a.startsWith('--token='))) {
    throw new UsageError('never pass a token as a flag (it lands in shell history and ps); pipe it in with --token-stdin');
  }
  const { values, positionals } = parseFlags(
    args,
    {
      cloud: { type: 'boolean' }, url: { type: 'string' }, 'token-stdin': { type: 'boolean' }, 'no-verify': { type: 'boolean' }, cluster: { type: 'string' }, image: { type: 'string' }, module: { type: 'string' },
      'http-port': { type: 'string' }, 'https-port': { type: 'string' }, 'control-port': { type: 'string' }, 'prometheus-port': { type: 'string' }, use: { type: 'boolean' }, defaults: { type: 'boolean' },
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
  const flagged = {
    proxyHttp: positiveInt('--http-port', values['http-port']),
    proxyHttps: positiveInt('--https-port', values['https-port']),
    control: positiveInt('--control-port', values['control-port']),
    prometheus: positiveInt('--prometheus-port', values['prometheus-port']),
  };
  if (values.module !== undefined && !moduleSettingSchema.safeParse(values.module).success) {
    throw new UsageError(`--module ${values.module}: ${MODULE_SETTING_HINT}`);
  }
  // A name used before starts from what it had, as in the app (one code path: ProfileActions.recallIn).
  const from = values.defaults ? undefined : (await recall(actions, name, io)).recalled;
  if (from) io.err(recalledNote(from));
  const ports = {
    proxyHttp: flagged.proxyHttp ?? from?.ports.proxyHttp,
    proxyHttps: flagged.proxyHttps ?? from?.ports.proxyHttps,
    control: flagged.control ?? from?.ports.control,
    prometheus: flagged.prometheus ?? from?.ports.prometheus,
  };
  const image = values.image ?? from?.image;
  const module = values.module ?? from?.module;
  const common = {
    name,
    ...(values.cluster ? { clusterId: values.cluster } : {}),
    ...(image ? { image } : {}),
    ...(module !== undefined ? { module } : {}),
    ports,
  };
  let arg: NewProfile;
  if (values.cloud) {
    const token = await readStdin();
    if (!token) throw new UsageError('no token arrived on stdin');
    arg = { ...common, kind: 'cloud', apiUrl: values.url!, token };
  } else {
    arg = { ...common, kind: 'local' };
  }
  // The app's own path: the token checked and kept, the memory of a removed profile of this name forgotten.
  const profile = await actions.add(arg, { verifyToken: !values['no-verify'], refusedHint: 'check both, or add --no-verify to store it anyway' });
  if (values.cloud) io.err(`The token is kept in the secret store (${(await actions.secrets()).backend().name}), not in settings.`);
  if (values.use) store.use(name);
  io.out(`Added profile "${profile.name}"${values.use ? ' and made it the default' : ''}.`);
  return 0;
}

/** What a profile of this name had; a DOCKER_HOST that can't be parsed only means no container to recall from. */
function recall(actions: ProfileActions, name: string, io: CliIO) {
  let engine;
  try {
    engine = openLocalEngine({ env: io.env }).engine;
  } catch {
    return Promise.resolve(actions.recall(name, []));
  }
  return actions.recallIn(name, engine);
}

/** What `profiles add` says when it starts from a recalled profile: where from, what, and how to opt out. */
export function recalledNote(r: RecalledProfileView): string {
  const where =
    r.source === 'container'
      ? `its gateway container ${r.containerName ?? ''}, still in Docker${r.running ? ' and running' : ''}`
      : `the profile of that name removed at ${r.removedAt ?? '?'}`;
  const p = r.ports;
  const module = r.module && r.module !== 'auto' ? `, module ${r.module}` : '';
  return `Profile "${r.name}" starts from ${where}: ports ${p.proxyHttp}/${p.proxyHttps}/${p.control}/${p.prometheus}, image ${r.image}${module} (flags given still win). Add --defaults to start from the defaults instead.`;
}

async function verifyToken(apiUrl: string, token: string): Promise<void> {
  try {
    await new CloudClient({ baseUrl: apiUrl, token, timeoutMs: 10_000 }).me();
  } catch (err) {
    throw new Error(`The control plane at ${apiUrl} did not accept the token (${err instanceof Error ? err.message : String(err)}); check it, or add --no-verify to store it anyway.`, { cause: err });
  }
}

async function setToken(store: ProfileStore, openSecrets: () => Promise<SecretStore>, args: string[], io: CliIO): Promise<number> {
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
  const secrets = await openSecrets();
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
    // Opened only when a token is kept or removed: a local profile's add touches no secret store.
    const openSecrets = async (): Promise<SecretStore> => {
      const { store: secrets } = await openHomeSecretStore({ home, env: io.env, log: (l) => io.err(l) });
      for (const n of secrets.takeNotices?.() ?? []) io.err(n.message);
      return secrets;
    };
    // The same actions as the app's, on the same files: a removal is remembered, a re-add recalls it.
    const actions = new ProfileActions(() => store, openSecrets, new RemovedProfiles(home));
    switch (sub) {
      case undefined:
      case 'list': {
        const { values } = parseFlags(rest, { json: { type: 'boolean' } }, usage);
        return list(store, io, Boolean(values.json));
      }
      case 'add':
        return add(store, actions, rest, io);
      case 'set-token':
        return setToken(store, openSecrets, rest, io);
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
        const secrets = await actions.secrets();
        // While its token is still there: its certificates are revoked, so no copy can heartbeat as it.
        const revoked = await retireProfileCertificates(name, { env: io.env, secrets, log: (l) => io.err(l) });
        if (revoked.length > 0) io.err(`Revoked its gateway certificate ${revoked.join(', ')}.`);
        // As the app removes one: its settings are remembered (never its token) for a later re-add.
        const result = await actions.remove(name);
        io.out(`Removed profile "${name}"; the default is "${result.defaultProfile}".`);
        return 0;
      }
      default:
        throw new UsageError(`unknown profiles command '${sub}'\n\n${usage}`);
    }
  },
};
