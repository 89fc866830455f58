/**
 * The client: one connection to an EventStoreDB / KurrentDB node, with the seed's methods and those the seed's
 * later versions added. The methods live in the facade's chain of classes (`facade/`), one concern per file;
 * this last link adds the management of persistent subscription groups.
 */
import { contextOf } from './facade/client-core.js';
import { ProjectionsClient } from './facade/projections-client.js';
import { deleteSubscription, type DeleteSubscriptionOptions } from './subscriptions/delete-subscription.js';
import {
  getSubscriptionInfo,
  type GetSubscriptionInfoOptions,
} from './subscriptions/get-subscription-info.js';
import { listSubscriptions, type ListSubscriptionsOptions } from './subscriptions/list-subscriptions.js';
import { replayParkedEvents, type ReplayParkedEventsOptions } from './subscriptions/replay-parked-events.js';
import {
  restartSubscriptionsSubsystem,
  type RestartSubscriptionsSubsystemOptions,
} from './subscriptions/restart-subscriptions-subsystem.js';
import type { SubscriptionInfo } from './subscriptions/subscription-info.js';
import { updateSubscription, type UpdateSubscriptionOptions } from './subscriptions/update-subscription.js';

/**
 * A client of an EventStoreDB / KurrentDB node or cluster over gRPC. With several hosts in the connection string
 * (`esdb://h1:2113,h2:2113,h3:2113`) or `esdb+discover://`, it picks its node from the cluster's gossip by
 * `nodePreference`, and moves to another node when its node goes away or is not the leader (appends and reads
 * that have not yielded yet are then retried once there); calls only the leader serves (appends, deletes,
 * projections, persistent subscriptions) go to the leader whatever the preference. One `esdb://` host is dialled
 * directly.
 *
 * ```ts
 * const client = new EsdbClient({ uri: 'esdb://localhost:2113?tls=false' });
 * const commitPosition = await client.appendEvents({ streamName, expectedPosition: null, events: [event] });
 * for await (const recorded of client.readStreamEvents({ streamName })) console.log(recorded.type);
 * await client.close();
 * ```
 *
 * Every method takes `timeout` (milliseconds) and `signal` (an AbortSignal). Non-streaming calls have a
 * default deadline (`defaultDeadline`, 10 s); reads and subscriptions have none unless `timeout` is given. Bad
 * arguments throw a TypeError or RangeError before anything is sent.
 */
export class EsdbClient extends ProjectionsClient {
  /**
   * Changes the given settings, or the start, of a persistent subscription group, and keeps the others as they
   * are: the server's update replaces them all, so the client first reads the group's current ones (as
   * {@link EsdbClient.getSubscriptionInfo} does) and sends them back with the changes. The two calls are not
   * atomic: a change someone else makes in between is lost. Without `streamName`, the group is one on all
   * streams. The start (`fromEnd`, `commitPosition` or `streamPosition`) matters only to a group with no
   * checkpoint yet; the others carry on from their last one. Connected consumers are dropped (their events
   * iteration fails with SubscriptionDroppedError) and must connect again. A filter cannot be changed, nor can
   * the strategy `'PinnedByCorrelation'` be set or kept. Needs a server from 21.10.1; on a secure server, an
   * admin or operations user. `timeout` applies to each of the two calls.
   *
   * ```ts
   * await client.updateSubscription({ groupName, messageTimeout: 60_000 });
   * ```
   * @throws SubscriptionNotFoundError when the group does not exist.
   */
  updateSubscription(options: UpdateSubscriptionOptions): Promise<void> {
    return updateSubscription(contextOf(this), options);
  }

  // --- persistent subscription management ---
  // Groups live on the leader, where these calls go whatever the nodePreference (subscriptions/*: onLeader).

  /**
   * What the server reports about a persistent subscription group: its settings (in the names and units of the
   * create options), status, positions, counters and connected consumers. Without `streamName`, the group is
   * one on all streams. Needs a server from 21.10.1 (older ones fail with a GrpcError, UNIMPLEMENTED); on a
   * secure server, an authenticated user.
   *
   * ```ts
   * const info = await client.getSubscriptionInfo({ groupName });
   * console.log(info.status, info.lastCheckpointedPosition, info.connections.length);
   * ```
   * @throws SubscriptionNotFoundError when the group does not exist.
   */
  getSubscriptionInfo(options: GetSubscriptionInfoOptions): Promise<SubscriptionInfo> {
    return getSubscriptionInfo(contextOf(this), options);
  }

  /**
   * What the server reports about every persistent subscription group (on all streams and on each stream), or,
   * with `streamName`, about the groups on that stream (`'$all'`: on all streams); an empty array when there
   * are none. Needs a server from 21.10.1; on a secure server, an authenticated user.
   *
   * ```ts
   * const groups = await client.listSubscriptions({ streamName: '$all' });
   * ```
   */
  listSubscriptions(options?: ListSubscriptionsOptions): Promise<SubscriptionInfo[]> {
    return listSubscriptions(contextOf(this), options);
  }

  /**
   * Deletes a persistent subscription group; its connected consumers are dropped (their events iteration
   * fails with SubscriptionDroppedError). Without `streamName`, the group is one on all
   * streams. On a secure server it needs an admin or operations user (`$admins`, `$ops`).
   * @throws SubscriptionNotFoundError when the group does not exist.
   */
  deleteSubscription(options: DeleteSubscriptionOptions): Promise<void> {
    return deleteSubscription(contextOf(this), options);
  }

  /**
   * Gives a group's parked events (those nacked with `'park'`, or retried `maxRetryCount` times) to its
   * consumers again, with `retryCount` 0: all of them, or those numbered below `stopAt` in the parked-events
   * stream. It resolves once the server has started the replay. Without `streamName`, the group is one on all
   * streams. Needs a server from 21.10.1; on a secure server, an admin or operations user.
   *
   * ```ts
   * await client.replayParkedEvents({ groupName });
   * ```
   * @throws SubscriptionNotFoundError when the group does not exist.
   */
  replayParkedEvents(options: ReplayParkedEventsOptions): Promise<void> {
    return replayParkedEvents(contextOf(this), options);
  }

  /**
   * Restarts the server's persistent subscription subsystem: every consumer of every group is dropped (their
   * events iteration fails with SubscriptionDroppedError), and each group resumes after
   * its last checkpoint, so events since then may be delivered again. It resolves once the restart has begun.
   * Needs a server from 21.10.1; on a secure server, an admin or operations user.
   */
  restartSubscriptionsSubsystem(options?: RestartSubscriptionsSubsystemOptions): Promise<void> {
    return restartSubscriptionsSubsystem(contextOf(this), options);
  }
}
