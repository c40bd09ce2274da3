/**
 * SSO access tokens the stand-in portal accepts. They are self-describing (the expiry is part of
 * the token), so a token minted in a test is valid for a sandbox running in another process, with
 * no shared registry.
 */
import { randomBytes } from 'node:crypto';

const TOKEN_PATTERN = /^sbxsso-(\d{1,12})-[A-Za-z0-9_-]{16,}$/;

/** A token the stand-in SSO portal accepts until `expiresAt`. */
export function mintSsoAccessToken(expiresAt: Date): string {
  return `sbxsso-${Math.floor(expiresAt.getTime() / 1000)}-${randomBytes(24).toString('base64url')}`;
}

export type SsoTokenCheck = { ok: true } | { ok: false; reason: 'unknown' | 'expired' };

export function checkSsoAccessToken(token: string | undefined, nowMs: number): SsoTokenCheck {
  if (!token) return { ok: false, reason: 'unknown' };
  const m = TOKEN_PATTERN.exec(token);
  if (!m) return { ok: false, reason: 'unknown' };
  if (Number(m[1]) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}
