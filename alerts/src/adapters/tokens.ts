import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer tokens. An owner token is "<ownerId>.<43 chars of base64url randomness>" (256 bits); only
 * its SHA-256 is stored. A fast hash is enough for a high-entropy token (no dictionary to try), and
 * the owner id in front lets the check find the one stored hash to compare, in constant time.
 */

export interface IssuedToken {
  token: string;
  hash: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function issueOwnerToken(ownerId: string): IssuedToken {
  const token = `${ownerId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256Hex(token) };
}

/** The owner id a token claims to belong to (unverified), or null when it has no owner-token shape. */
export function claimedOwnerId(token: string): string | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || token.length - dot - 1 !== 43) return null;
  return token.slice(0, dot);
}

/** Constant-time comparison of a presented token with a stored SHA-256 hex digest. */
export function tokenMatches(token: string, storedHashHex: string): boolean {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  const stored = Buffer.from(storedHashHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/** Compares against the admin token without leaking its length or content through timing. */
export function adminTokenMatcher(adminToken: string): (token: string) => boolean {
  const expected = sha256Hex(adminToken);
  return (token) => tokenMatches(token, expected);
}

/** A random id for records created without one. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
}
