/**
 * The last line of defence for logs and printed errors: whatever reaches a log sink goes through this,
 * so a PEM block, a bearer token or a JWT that slipped into a message (a server's echoed body, a failed
 * request's error) is never written out. Code should not log secrets in the first place.
 */
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(?:-----END \1-----|$)/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
// Three base64url parts, the first two starting with '{"' encoded ("eyJ"): the shape of every JWT.
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

export function redactSecrets(text: string): string {
  return text
    .replace(PEM_BLOCK, (_m, label: string) => `[${label.trim()} redacted]`)
    .replace(BEARER, '$1 [redacted]')
    .replace(JWT, '[token redacted]');
}
