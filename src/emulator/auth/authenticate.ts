import { ANONYMOUS_USER, DEFAULT_USERS, type User } from './user.js';

/** A well-formed header whose credentials are wrong: the call ends with UNAUTHENTICATED (§4). */
export const REJECTED = Symbol('rejected credentials');

/**
 * Authenticates the `authorization` header of a secure node's call (§4): `Basic` (or `Bearer` carrying the same
 * base64 text) with `user:password`, split at the first colon. A missing or unparsable header falls through to
 * the anonymous user, as the server's provider chain ends with the anonymous provider.
 */
export function authenticate(authorization: string | undefined): User | typeof REJECTED {
  const match = authorization === undefined ? null : /^(Basic|Bearer)\s+(\S+)$/i.exec(authorization.trim());
  const encoded = match?.[2];
  if (encoded === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return ANONYMOUS_USER;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return ANONYMOUS_USER;
  const name = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const account = DEFAULT_USERS.find((candidate) => candidate.user.name === name);
  return account !== undefined && account.password === password ? account.user : REJECTED;
}
