import { AdminTokensState, RENEW_BEFORE_MS, tokenHash, verifyAdminToken } from '../auth/admin-token-state.ts';
import { signJwt, type JwtClaims } from '../auth/jwt.ts';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import type { ClusterKeys } from './keys.ts';
import type { ClusterKv } from './kv.ts';
import { seal, unseal } from './sealed.ts';

export type TokensState = AdminTokensState;

export function parseTokensState(text: string): TokensState {
  return AdminTokensState.parse(JSON.parse(text));
}

/**
 * The admin tokens of a cluster: the same rules as the single replica's TokenStore (hashes only, revoked
 * jtis), but the state lives in etcd and every replica follows it (the caller feeds `apply` from a watch).
 * One admin token for the whole cluster, kept sealed in etcd, so every replica writes the same one into
 * its own admin-token file and no replica's start revokes another's.
 */
export class ClusterAdminTokens {
  private state: TokensState = { tokens: [], revokedJtis: [] };

  constructor(
    private readonly kv: ClusterKv,
    private readonly keys: ClusterKeys,
    private readonly secret: Buffer,
    private readonly operatorKey: string,
  ) {}

  /** A watched value of the tokens key; one that doesn't parse is ignored (the last good one stays). */
  apply(text: string | undefined): void {
    if (text === undefined) {
      this.state = { tokens: [], revokedJtis: [] };
      return;
    }
    try {
      this.state = parseTokensState(text);
    } catch {
      // kept: a bad write must not lock every admin out
    }
  }

  verify(token: string, nowMs: number): JwtClaims | undefined {
    return verifyAdminToken(this.secret, this.state, token, nowMs);
  }

  /**
   * Writes the cluster's admin token into `file`: the one in etcd while it is valid and not near expiry,
   * else a new one, swapped in with a compare-and-set (a replica that loses the race takes the winner's).
   */
  async ensureAdminToken(sub: string, nowMs: number, lifetimeMs: number, file: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [stateKv, sealedKv] = await Promise.all([this.kv.get(this.keys.tokens), this.kv.get(this.keys.adminTokenSealed)]);
      const state = stateKv ? parseTokensState(stateKv.value) : { tokens: [], revokedJtis: [] };
      this.state = state;
      if (sealedKv) {
        const token = unseal(this.operatorKey, 'admin token', sealedKv.value);
        const claims = this.verify(token, nowMs);
        if (claims && claims.sub === sub && claims.exp * 1000 - nowMs > Math.min(RENEW_BEFORE_MS, lifetimeMs / 2)) {
          await writeFileAtomic(file, `${token}\n`, 0o600);
          return;
        }
      }
      const nowSec = Math.floor(nowMs / 1000);
      const next: TokensState = { tokens: [], revokedJtis: [...state.revokedJtis] };
      for (const t of state.tokens) if (t.exp > nowSec && !next.revokedJtis.includes(t.jti)) next.revokedJtis.push(t.jti);
      const { token, claims } = signJwt(this.secret, sub, nowMs, lifetimeMs);
      next.tokens.push({ jti: claims.jti, sub, sha256: tokenHash(token), exp: claims.exp });
      const swapped = await this.kv.txn(
        [stateKv ? { key: this.keys.tokens, modRevision: stateKv.modRevision } : { key: this.keys.tokens, absent: true }],
        [{ put: { key: this.keys.tokens, value: JSON.stringify(next) } }, { put: { key: this.keys.adminTokenSealed, value: seal(this.operatorKey, 'admin token', token) } }],
      );
      if (swapped) {
        this.state = next;
        await writeFileAtomic(file, `${token}\n`, 0o600);
        return;
      }
    }
    throw new Error('could not settle the admin token in etcd: other replicas kept changing it; start again');
  }
}
