/** Who a call runs as, after authentication (§4). */
export interface User {
  readonly name: string;
  /** Role names: the user's own name plus its groups, e.g. `$admins`, `$ops`. */
  readonly roles: readonly string[];
  /** False for the anonymous user, which default ACLs keep out of streams since 23.6 (§4). */
  readonly authenticated: boolean;
}

/** The members of this group bypass every ACL (§4). */
export const ADMINS_ROLE = '$admins';
export const OPS_ROLE = '$ops';

/** In `--insecure` mode every call runs as a fully privileged user, whatever it sends (§4). */
export const INSECURE_USER: User = { name: 'system', roles: [ADMINS_ROLE], authenticated: true };

export const ANONYMOUS_USER: User = { name: 'anonymous', roles: [], authenticated: false };

/** The built-in accounts of a fresh secure node, both with password `changeit` (§3.17). */
export const DEFAULT_USERS: readonly { readonly user: User; readonly password: string }[] = [
  { user: { name: 'admin', roles: ['admin', ADMINS_ROLE], authenticated: true }, password: 'changeit' },
  { user: { name: 'ops', roles: ['ops', OPS_ROLE], authenticated: true }, password: 'changeit' },
];
