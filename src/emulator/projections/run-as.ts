/**
 * Who a projection runs as (§3.17.4): the principal a Create ran as is kept in the definition
 * (ManagedProjection.cs `SerializedRunAs`), and every change of a non-transient projection needs a member of
 * `$admins` or `$ops` (ProjectionManagementMessage.cs `RunAs.ValidateRunAs`; no owner check in 24.10).
 */
import { ADMINS_ROLE, OPS_ROLE } from '../auth/user.js';
import type { ProjectionMode, RunAsUser } from './projection-management.js';

/** The principal as the definition records it: `$system` has no roles; a user's roles are its role claims. */
export interface SerializedRunAs {
  readonly name: string;
  readonly roles?: readonly string[];
}

/** The claim type of a group (`ClaimTypes.Role`), written before each group name with `$$$` between. */
const ROLE_CLAIM_TYPE = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

/** What the server writes for `SystemAccounts.System`: the standard projections' and an insecure node's. */
export const SYSTEM_RUN_AS: SerializedRunAs = { name: '$system' };

/** `runAs` undefined is the node's system account. */
export function serializeRunAs(runAs: RunAsUser | undefined): SerializedRunAs {
  if (runAs === undefined) return SYSTEM_RUN_AS;
  return { name: runAs.name, roles: runAs.groups.map((group) => `${ROLE_CLAIM_TYPE}$$$${group}`) };
}

/** Reads a definition's `runAs` back; a definition without one runs as the system (`FixUpOldProjectionRunAs`). */
export function parseRunAs(value: unknown): SerializedRunAs {
  if (typeof value !== 'object' || value === null) return SYSTEM_RUN_AS;
  const { name, roles } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') return SYSTEM_RUN_AS;
  if (!Array.isArray(roles)) return { name };
  return { name, roles: roles.filter((role): role is string => typeof role === 'string') };
}

/**
 * `ValidateRunAs` for a change: a transient projection may be changed by anyone the service lets in; any other
 * needs a caller whose name or groups include `$admins` or `$ops` (`LegacyRoleCheck`). The system may.
 */
export function mayChangeProjection(mode: ProjectionMode, runAs: RunAsUser | undefined): boolean {
  if (mode === 'Transient' || runAs === undefined) return true;
  return [runAs.name, ...runAs.groups].some((role) => role === ADMINS_ROLE || role === OPS_ROLE);
}
