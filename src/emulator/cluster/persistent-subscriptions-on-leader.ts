import { MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import type { User } from '../auth/user.js';
import type { EmulatorNode } from '../node.js';
import { rpcErrors } from '../server/rpc-error.js';
import { checkOperatorAccess, checkStatisticsAccess } from '../services/persistent-subscriptions/access.js';
import type { createPersistentSubscriptionsService } from '../services/persistent-subscriptions/index.js';
import { unanswered } from '../services/persistent-subscriptions/unanswered.js';
import { admitPersistentSubscriptionRequest } from './admission.js';
import { clusterErrors } from './cluster-errors.js';

type PersistentSubscriptionsService = ReturnType<typeof createPersistentSubscriptionsService>;

/** How a request reaches the subsystem, which decides what a node that is not the leader answers. */
type RequestKind =
  /** Create, Update, Delete, Read: through the node controller (admission.ts). */
  | 'group'
  /** GetInfo, List: straight to the subsystem, which answers `NotReady` unless started. */
  | 'statistics'
  /** RestartSubsystem: the subsystem refuses to restart when it is not started. */
  | 'restart'
  /** ReplayParked: straight to the subsystem. */
  | 'replay';

/** The server's text when RestartSubsystem reaches a subsystem that is not running. */
const RESTART_IN_WRONG_STATE = 'Persistent Subscriptions cannot be restarted as it is in the wrong state.';

/**
 * The PersistentSubscriptions service of a node that runs the subsystem only while it is the leader
 * (PersistentSubscriptionService.cs starts on `BecomeLeader` and stops on every other state change). The
 * leader's calls reach the handlers unchanged; on any other node a call gets what that server answers (see
 * {@link refusalOf}). A standalone node is always the leader.
 */
export function persistentSubscriptionsOnLeader(
  node: EmulatorNode,
  service: PersistentSubscriptionsService,
): PersistentSubscriptionsService {
  return {
    ...service,
    create: (request, context) =>
      refusalOf(node, 'group', context.user, checkOperatorAccess, context.signal) ??
      service.create(request, context),
    update: (request, context) =>
      refusalOf(node, 'group', context.user, checkOperatorAccess, context.signal) ??
      service.update(request, context),
    delete: (request, context) =>
      refusalOf(node, 'group', context.user, checkOperatorAccess, context.signal) ??
      service.delete(request, context),
    read: async function* read(requests, context) {
      // The connect is refused before the request is read, where the server reads the options and checks the
      // stream's read access first.
      const refusal = refusalOf(node, 'group', context.user, undefined, context.signal);
      if (refusal !== undefined) await refusal;
      yield* service.read(requests, context);
    },
    getInfo: (request, context) =>
      refusalOf(node, 'statistics', context.user, checkStatisticsAccess, context.signal) ??
      service.getInfo(request, context),
    list: (request, context) =>
      refusalOf(node, 'statistics', context.user, checkStatisticsAccess, context.signal) ??
      service.list(request, context),
    replayParked: (request, context) =>
      refusalOf(node, 'replay', context.user, checkOperatorAccess, context.signal) ??
      service.replayParked(request, context),
    restartSubsystem: (request, context) =>
      refusalOf(node, 'restart', context.user, checkOperatorAccess, undefined) ??
      service.restartSubsystem(request, context),
  };
}

/**
 * What a node that does not run the subsystem answers, or undefined when the request goes to the handler. The
 * access check the server makes before it hands the request on comes first.
 * - group requests: `not-leader` or `Server Is Not Ready` from the node controller, or no answer from a
 *   pre-leader (admission.ts);
 * - statistics: UNAVAILABLE `Server Is Not Ready` (`GetPersistentSubscriptionStatsCompleted.NotReady`,
 *   PersistentSubscriptions.Info.cs);
 * - restart: `persistent-subscription-failed` with the server's wrong-state text
 *   (PersistentSubscriptions.RestartSubsystem.cs);
 * - replay: no answer. The subsystem of a node that has not led looks the group up in a dictionary it never
 *   created; the exception is dropped on its queue and the call waits for the client's deadline.
 */
function refusalOf(
  node: EmulatorNode,
  kind: RequestKind,
  user: User,
  checkAccess: ((user: User) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<never> | undefined {
  const state = node.role.state;
  if (kind === 'group') {
    const admission = admitPersistentSubscriptionRequest({
      state,
      leader: node.role.leader,
      self: node.endpoint,
    });
    if (admission.kind === 'serve' || admission.kind === 'forward') return undefined;
    checkAccess?.(user);
    if (admission.kind === 'not-leader') return Promise.reject(clusterErrors.notLeader(admission.leader));
    if (admission.kind === 'not-ready') return Promise.reject(clusterErrors.serverNotReady());
    return never(signal);
  }
  if (state === VNodeState.Leader) return undefined;
  checkAccess?.(user);
  switch (kind) {
    case 'statistics':
      return Promise.reject(clusterErrors.serverNotReady());
    case 'restart':
      return Promise.reject(rpcErrors.persistentSubscriptionFailed('', '', RESTART_IN_WRONG_STATE));
    case 'replay':
      return never(signal);
  }
}

function never(signal: AbortSignal | undefined): Promise<never> {
  return signal === undefined ? new Promise<never>(() => undefined) : unanswered(signal);
}
