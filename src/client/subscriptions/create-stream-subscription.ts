/**
 * `createStreamSubscription`: creates a persistent subscription group on one stream through
 * `PersistentSubscriptions.Create` (docs/protocol.md §3.14), with the given settings and the seed client's for
 * the others.
 */
import { checkGroupName, checkStreamName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { createStreamSubscriptionRequest } from '../wire/persistent-create-requests.js';
import { ALL_STREAMS } from '../wire/persistent-management-requests.js';
import { settingsForCreate, streamStartFrom } from './group-options.js';
import { type PersistentSubscriptionSettings, SUBSCRIPTION_SETTING_KEYS } from './subscription-settings.js';

/** The options of {@link EsdbClient.createStreamSubscription}. */
export interface CreateStreamSubscriptionOptions extends CallControl, PersistentSubscriptionSettings {
  /** The name of the group of consumers; unique among the groups on this stream. */
  readonly groupName: string;
  /** The stream whose events the group receives; it need not exist yet. */
  readonly streamName: string;
  /**
   * Deliver only the events recorded after the group is created. Default `false`: from the stream's first
   * event. Ignored when `streamPosition` is given.
   */
  readonly fromEnd?: boolean | undefined;
  /**
   * Deliver the stream's events from this stream position on, the event at it included (a persistent
   * subscription's start is inclusive), so a consumer resuming after its last processed event should start
   * one further.
   */
  readonly streamPosition?: number | bigint | undefined;
}

const KEYS = ['groupName', 'streamName', 'fromEnd', 'streamPosition', ...SUBSCRIPTION_SETTING_KEYS];

/**
 * Creates the group.
 * @throws SubscriptionExistsError when a group of that name already exists on the stream.
 */
export async function createStreamSubscription(
  context: ClientContext,
  options: CreateStreamSubscriptionOptions,
): Promise<void> {
  const where = 'createStreamSubscription';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const groupName = checkGroupName(given.groupName, `${where}: groupName`);
  const streamName = checkStreamName(given.streamName, `${where}: streamName`);
  if (streamName === ALL_STREAMS) {
    // The server refuses a stream group on `$all` (§3.14, Create): that is createSubscription's group.
    throw new RangeError(
      `${where}: streamName must not be '$all'; createSubscription makes groups on all streams`,
    );
  }
  const request = createStreamSubscriptionRequest({
    groupName,
    streamName,
    start: streamStartFrom(given.fromEnd, given.streamPosition, where) ?? { kind: 'start' },
    settings: settingsForCreate(given, where),
  });
  // On the leader, followed once from a follower, as createSubscription does.
  await withFailover(onLeader(context), control, (node) => node.persistent.create(request, control));
}
