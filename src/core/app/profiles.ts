import type { AddProfileArg, ProfileView, RecalledProfileView, UpdateProfileArg } from '../../contract/ipc-contract.ts';
import { CloudClient } from '../cloud/client.ts';
import type { Profile } from '../credentials/profile-schema.ts';
import type { ProfileStore } from '../credentials/profile-store.ts';
import { profileTokenKey, type SecretStore } from '../credentials/secret-store.ts';
import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { messageOf } from '../gateway/errors.ts';
import { recallProfile } from './profile-recall.ts';
import type { RemovedProfiles } from './removed-profiles.ts';

export async function profileView(p: Profile, defaultName: string, secrets: Pick<SecretStore, 'get'>): Promise<ProfileView> {
  return {
    name: p.name,
    kind: p.kind,
    ...(p.kind === 'cloud' ? { apiUrl: p.apiUrl, hasToken: (await secrets.get(profileTokenKey(p.name))) !== undefined } : {}),
    image: p.image,
    ports: { ...p.ports },
    module: p.module,
    isDefault: p.name === defaultName,
  };
}

/** A token is checked against its control plane before it is kept, so a typo fails here and not at launch. */
async function checkToken(apiUrl: string, token: string, hint = 'check the address and the token, then try again'): Promise<void> {
  try {
    await new CloudClient({ baseUrl: apiUrl, token, timeoutMs: 10_000 }).me();
  } catch (err) {
    throw new Error(`The control plane at ${apiUrl} did not accept the token (${messageOf(err)}); ${hint}.`, { cause: err });
  }
}

/** A new profile as the app's form or the CLI gives it; the CLI may also name its cluster. */
export type NewProfile = AddProfileArg & { clusterId?: string };

export interface AddOptions {
  /** False only on the CLI's --no-verify: the token is kept without asking the control plane. */
  verifyToken?: boolean;
  /** What the refusal says to do (the CLI names --no-verify). */
  refusedHint?: string;
}

/** How long recall waits for Docker: a daemon that hangs must not hold up adding a profile. */
const RECALL_ENGINE_WAIT_MS = 5000;

async function managedOf(engine: Pick<Engine, 'findManaged'>, name: string): Promise<ContainerInfo[]> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<ContainerInfo[]>((resolve) => {
    timer = setTimeout(() => resolve([]), RECALL_ENGINE_WAIT_MS);
  });
  try {
    // Docker down only means no container to recall from; the remembered settings still count.
    return await Promise.race([engine.findManaged({ profile: name }).catch(() => []), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** A local profile's view looks up no token: it needs no secret store opened. */
const NO_SECRETS: Pick<SecretStore, 'get'> = { get: async () => undefined };

/** Profiles CRUD for the UI and the CLI; tokens go to the secret store and never come back out. */
export class ProfileActions {
  #secrets: SecretStore | undefined;
  #open: (() => Promise<SecretStore>) | undefined;
  #opening: Promise<SecretStore> | undefined;

  constructor(
    private readonly store: () => ProfileStore,
    /** The home's secret store, or how to open it when first needed (the CLI opens it only for a token). */
    secrets: SecretStore | (() => Promise<SecretStore>),
    /** Where removed profiles' settings are remembered, so that adding one again can start from them. */
    private readonly removed?: RemovedProfiles,
  ) {
    if (typeof secrets === 'function') this.#open = secrets;
    else this.#secrets = secrets;
  }

  /** The secret store, opened once. */
  secrets(): Promise<SecretStore> {
    if (this.#secrets) return Promise.resolve(this.#secrets);
    this.#opening ??= this.#open!().then((s) => (this.#secrets = s));
    return this.#opening;
  }

  async #view(p: Profile, defaultName: string): Promise<ProfileView> {
    // A local profile has no token to look up: its view needs no secret store.
    return p.kind === 'cloud' ? profileView(p, defaultName, await this.secrets()) : profileView(p, defaultName, NO_SECRETS);
  }

  /** What a profile of this name had before: a container of it still there, else its settings at removal. */
  recall(name: string, containers: ContainerInfo[]): { recalled?: RecalledProfileView } {
    if (this.store().list().some((p) => p.name === name)) return {}; // it exists: nothing to recall
    const recalled = recallProfile(name, containers, this.removed?.get(name));
    return recalled ? { recalled } : {};
  }

  /** recall(), with the containers of that name Docker has (none when it does not answer in time). */
  async recallIn(name: string, engine: Pick<Engine, 'findManaged'>): Promise<{ recalled?: RecalledProfileView }> {
    if (this.store().list().some((p) => p.name === name)) return {};
    return this.recall(name, await managedOf(engine, name));
  }

  async list(): Promise<ProfileView[]> {
    const s = this.store();
    const def = s.defaultName();
    return Promise.all(s.list().map((p) => this.#view(p, def)));
  }

  async add(arg: NewProfile, opts: AddOptions = {}): Promise<ProfileView> {
    const s = this.store();
    if (arg.kind === 'cloud') {
      if (opts.verifyToken !== false) await checkToken(arg.apiUrl, arg.token, opts.refusedHint);
      const { token, ...rest } = arg;
      const secrets = await this.secrets();
      const p = s.add(rest);
      try {
        await secrets.set(profileTokenKey(p.name), token);
      } catch (err) {
        // A cloud profile without its token would only fail later: it is not kept.
        s.remove(p.name);
        throw err;
      }
      this.removed?.forget(p.name);
      return profileView(p, s.defaultName(), secrets);
    }
    const p = s.add(arg);
    this.removed?.forget(p.name);
    return this.#view(p, s.defaultName());
  }

  async update(arg: UpdateProfileArg): Promise<ProfileView> {
    const s = this.store();
    const { name, token, ...patch } = arg;
    const current = s.get(name);
    if (token !== undefined) {
      const apiUrl = patch.apiUrl ?? (current.kind === 'cloud' ? current.apiUrl : undefined);
      if (!apiUrl) throw new Error(`Profile "${name}" uses the embedded local control plane, which needs no token.`);
      await checkToken(apiUrl, token);
    }
    const p = s.update(name, patch);
    if (token !== undefined) await (await this.secrets()).set(profileTokenKey(name), token);
    return this.#view(p, s.defaultName());
  }

  /** A new token for an existing cloud profile; the old one stays until the new one is accepted. */
  async setToken(name: string, token: string): Promise<ProfileView> {
    const s = this.store();
    const p = s.get(name);
    if (p.kind !== 'cloud') throw new Error(`Profile "${name}" uses the embedded local control plane, which needs no token.`);
    await checkToken(p.apiUrl, token);
    const secrets = await this.secrets();
    await secrets.set(profileTokenKey(name), token);
    return profileView(p, s.defaultName(), secrets);
  }

  async remove(name: string): Promise<{ defaultProfile: string }> {
    const s = this.store();
    const was = s.get(name);
    const r = s.remove(name);
    // After the removal succeeded (the only profile can't be removed): remembered for a later re-add.
    this.removed?.remember(was);
    await (await this.secrets()).delete(profileTokenKey(name));
    return { defaultProfile: r.defaultProfile };
  }

  async use(name: string): Promise<ProfileView> {
    const s = this.store();
    const p = s.use(name);
    return this.#view(p, s.defaultName());
  }
}
