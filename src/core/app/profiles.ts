import type { AddProfileArg, ProfileView, UpdateProfileArg } from '../../contract/ipc-contract.ts';
import { CloudClient } from '../cloud/client.ts';
import type { Profile } from '../credentials/profile-schema.ts';
import type { ProfileStore } from '../credentials/profile-store.ts';
import { profileTokenKey, type SecretStore } from '../credentials/secret-store.ts';
import { messageOf } from '../gateway/errors.ts';

export async function profileView(p: Profile, defaultName: string, secrets: SecretStore): Promise<ProfileView> {
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
async function checkToken(apiUrl: string, token: string): Promise<void> {
  try {
    await new CloudClient({ baseUrl: apiUrl, token, timeoutMs: 10_000 }).me();
  } catch (err) {
    throw new Error(`The control plane at ${apiUrl} did not accept the token (${messageOf(err)}); check the address and the token, then try again.`, { cause: err });
  }
}

/** Profiles CRUD for the UI; tokens go to the secret store and never come back out. */
export class ProfileActions {
  constructor(
    private readonly store: () => ProfileStore,
    private readonly secrets: SecretStore,
  ) {}

  async list(): Promise<ProfileView[]> {
    const s = this.store();
    const def = s.defaultName();
    return Promise.all(s.list().map((p) => profileView(p, def, this.secrets)));
  }

  async add(arg: AddProfileArg): Promise<ProfileView> {
    const s = this.store();
    if (arg.kind === 'cloud') {
      await checkToken(arg.apiUrl, arg.token);
      const { token, ...rest } = arg;
      const p = s.add(rest);
      await this.secrets.set(profileTokenKey(p.name), token);
      return profileView(p, s.defaultName(), this.secrets);
    }
    const p = s.add(arg);
    return profileView(p, s.defaultName(), this.secrets);
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
    if (token !== undefined) await this.secrets.set(profileTokenKey(name), token);
    return profileView(p, s.defaultName(), this.secrets);
  }

  /** A new token for an existing cloud profile; the old one stays until the new one is accepted. */
  async setToken(name: string, token: string): Promise<ProfileView> {
    const s = this.store();
    const p = s.get(name);
    if (p.kind !== 'cloud') throw new Error(`Profile "${name}" uses the embedded local control plane, which needs no token.`);
    await checkToken(p.apiUrl, token);
    await this.secrets.set(profileTokenKey(name), token);
    return profileView(p, s.defaultName(), this.secrets);
  }

  async remove(name: string): Promise<{ defaultProfile: string }> {
    const r = this.store().remove(name);
    await this.secrets.delete(profileTokenKey(name));
    return { defaultProfile: r.defaultProfile };
  }

  async use(name: string): Promise<ProfileView> {
    const s = this.store();
    const p = s.use(name);
    return profileView(p, s.defaultName(), this.secrets);
  }
}
