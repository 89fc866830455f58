import { INSECURE_USER, type User } from '../../auth/user.js';
import type { RunAsUser } from '../../projections/projection-management.js';
import { rpcErrors } from '../../server/rpc-error.js';
import { checkOperatorAccess } from '../persistent-subscriptions/access.js';

/**
 * Delete and RestartSubsystem need an operator, a member of `$admins` or `$ops` (§3.17.1,
 * LegacyPolicySelectorFactory.cs `OperationsOrAdmins` for `Projections.Delete` and `Projections.Restart`).
 */
export const checkProjectionsOperatorAccess: (user: User) => void = checkOperatorAccess;

/** Every other Projections method needs an authenticated user (§3.17.1, `RequireAuthenticated`). */
export function checkAuthenticatedAccess(user: User): void {
  if (!user.authenticated) throw rpcErrors.accessDenied();
}

/**
 * Who the manager runs the call as (ProjectionManagementMessage.RunAs, §3.17.4): the system on an insecure node
 * (PassthroughAuthenticationProvider.cs), else the user with its groups, the role claims
 * InternalAuthenticationProvider.cs gives it (its own name is not one). The anonymous user is refused first.
 */
export function runAsOf(user: User): RunAsUser | undefined {
  checkAuthenticatedAccess(user);
  if (user === INSECURE_USER) return undefined;
  return { name: user.name, groups: user.roles.filter((role) => role !== user.name) };
}
