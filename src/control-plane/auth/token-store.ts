import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from '../storage/atomic-file.ts';
import type { DataFiles } from '../storage/data-files.ts';
import { readJsonFile, writeJsonFile } from '../storage/json-file.ts';
import { signJwt, verifyJwt, type JwtClaims } from './jwt.ts';

const TokensFile = z.object({
  tokens: z.array(z.object({ jti: z.string(), sub: z.string(), sha256: z.string(), exp: z.number() })),
  revokedJtis: z.array(z.string()),
});
type TokensFile = z.infer<typeof TokensFile>;

const SECRET_BYTES = 32;

/** The key, when the file holds what open() writes: strict base64 of at least 32 bytes. */
function decodeSecret(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length >= SECRET_BYTES ? bytes : undefined;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Renew the admin token at start when it has less than this left, so a running app never meets an expired one. */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

/**
 * The admin access tokens. Only their SHA-256 is stored; the token itself reaches its owner once, through
 * the admin-token file at 0600. A token is accepted when its signature, expiry, jti and hash all check.
 */
export class TokenStore {
  private constructor(
    private readonly files: DataFiles,
    private readonly secret: Buffer,
    private state: TokensFile,
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
    const state = (await readJsonFile(files.tokens, TokensFile)) ?? { tokens: [], revokedJtis: [] };
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
    this.state.tokens.push({ jti: claims.jti, sub, sha256: sha256(token), exp: claims.exp });
    // The hash is stored before the token is handed out: a crash in between leaves a token that is
    // refused and reissued at next start, never an accepted token nobody knows about.
    await writeJsonFile(this.files.tokens, this.state);
    await writeFileAtomic(this.files.adminToken, `${token}\n`, 0o600);
  }

  verify(token: string, nowMs: number): JwtClaims | undefined {
    const result = verifyJwt(this.secret, token, nowMs);
    if (!result.ok) return undefined;
    const { claims } = result;
    if (this.state.revokedJtis.includes(claims.jti)) return undefined;
    const known = this.state.tokens.find((t) => t.jti === claims.jti);
    if (!known) return undefined;
    const a = Buffer.from(known.sha256, 'hex');
    const b = Buffer.from(sha256(token), 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? claims : undefined;
  }

  async revoke(jti: string): Promise<void> {
    if (this.state.revokedJtis.includes(jti)) return;
    this.state.revokedJtis.push(jti);
    await writeJsonFile(this.files.tokens, this.state);
  }
}
