import { randomBytes } from 'node:crypto';
import { readTextIfExists, writeFileAtomic } from '../storage/atomic-file.ts';
import type { DataFiles } from '../storage/data-files.ts';
import { readJsonFile, writeJsonFile } from '../storage/json-file.ts';
import { AdminTokensState, RENEW_BEFORE_MS, tokenHash, verifyAdminToken } from './admin-token-state.ts';
import { signJwt, type JwtClaims } from './jwt.ts';


const SECRET_BYTES = 32;

/** The key, when the file holds what open() writes: strict base64 of at least 32 bytes. */
function decodeSecret(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length >= SECRET_BYTES ? bytes : undefined;
}


/**
 * The admin access tokens. Only their SHA-256 is stored; the token itself reaches its owner once, through
 * the admin-token file at 0600. A token is accepted when its signature, expiry, jti and hash all check.
 */
export class TokenStore {
  private constructor(
    private readonly files: DataFiles,
    private readonly secret: Buffer,
    private state: AdminTokensState,
  ) {}

  /**
   * A damaged jwt-secret is replaced, not used as a key: it signs only admin tokens, and the admin token is
   * reissued into admin-token at this same start (ensureAdminToken), where the app and the CLI read it.
   * Gateways are not affected (their certificates and HMAC keys do not involve it); a tool that copied the
   * old admin token needs the new one.
   */
  static async open(files: DataFiles, log: (line: string) => void = () => undefined): Promise<TokenStore> {
    const stored = await readTextIfExists(files.jwtSecret);
    let secret = stored === undefined ? undefined : decodeSecret(stored);
    if (!secret) {
      if (stored !== undefined) {
        log(`${files.jwtSecret} is damaged (not the base64 of ${SECRET_BYTES} or more bytes); made a new one, so the admin token is reissued in ${files.adminToken}; gateways are not affected`);
      }
      secret = randomBytes(SECRET_BYTES);
      await writeFileAtomic(files.jwtSecret, secret.toString('base64'), 0o600);
    }
    const state = (await readJsonFile(files.tokens, AdminTokensState)) ?? { tokens: [], revokedJtis: [] };
    return new TokenStore(files, secret, state);
  }

  /**
   * Makes sure the owner holds a valid admin token in the token file: reuses the one there when it still
   * verifies, otherwise mints a new one (and revokes whatever the file held).
   */
  async ensureAdminToken(sub: string, nowMs: number, lifetimeMs: number): Promise<void> {
    const current = (await readTextIfExists(this.files.adminToken))?.trim();
    if (current) {
      const claims = this.verify(current, nowMs);
      if (claims && claims.sub === sub && claims.exp * 1000 - nowMs > Math.min(RENEW_BEFORE_MS, lifetimeMs / 2)) return;
    }
    // One admin token at a time: a new one revokes every earlier one, including a token whose file was
    // lost or overwritten and that nobody can name any more.
    const nowSec = Math.floor(nowMs / 1000);
    for (const t of this.state.tokens) if (t.exp > nowSec && !this.state.revokedJtis.includes(t.jti)) this.state.revokedJtis.push(t.jti);
    this.state.tokens = [];
    const { token, claims } = signJwt(this.secret, sub, nowMs, lifetimeMs);
    this.state.tokens.push({ jti: claims.jti, sub, sha256: tokenHash(token), exp: claims.exp });
    // The hash is stored before the token is handed out: a crash in between leaves a token that is
    // refused and reissued at next start, never an accepted token nobody knows about.
    await writeJsonFile(this.files.tokens, this.state);
    await writeFileAtomic(this.files.adminToken, `${token}\n`, 0o600);
  }

  verify(token: string, nowMs: number): JwtClaims | undefined {
    return verifyAdminToken(this.secret, this.state, token, nowMs);
  }

  async revoke(jti: string): Promise<void> {
    if (this.state.revokedJtis.includes(jti)) return;
    this.state.revokedJtis.push(jti);
    await writeJsonFile(this.files.tokens, this.state);
  }
}
