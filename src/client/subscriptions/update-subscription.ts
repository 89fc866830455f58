/**
 * `updateSubscription`: changes some settings, or the start, of a persistent subscription group and leaves the
 * rest as it is. The server's `PersistentSubscriptions.Update` replaces every setting and the start
 * (docs/protocol.md §3.14 Update), so the client reads the group's current ones first with `GetInfo` (§3.14.1)
 * and sends them back with the given changes, as PY does. The two calls are not atomic: a change made by
 * someone else between them is overwritten.
 */
import { checkGroupName } from '../arguments/checks.js';
import {
  checkSettingsTogether,
  checkSubscriptionSettings,
} from '../arguments/subscription-settings-checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { GrpcError } from '../errors/esdb-errors.js';
import { allGroupOfInfo, streamGroupOfInfo } from '../wire/group-settings-of-info.js';
import { isEnumConsumerStrategy, type UpdatableSettings } from '../wire/group-settings-request.js';
import type { AllGroupStart, StreamGroupStart } from '../wire/group-starts.js';
import { ALL_STREAMS, getInfoRequest } from '../wire/persistent-management-requests.js';
import { type UpdatedGroup, updateSubscriptionRequest } from '../wire/persistent-update-request.js';
import { allStartFrom, streamStartFrom } from './group-options.js';
import { groupSourceOf } from './group-source.js';
import {
  type PersistentSubscriptionSettings,
  settingsWith,
  SUBSCRIPTION_SETTING_KEYS,
} from './subscription-settings.js';

/** The options of {@link EsdbClient.updateSubscription}. */
export interface UpdateSubscriptionOptions extends CallControl, PersistentSubscriptionSettings {
  /** The group's name. */
  readonly groupName: string;
  /** The stream the group is on. Default: the group is on all streams (`'$all'`). */
  readonly streamName?: string | undefined;
  /**
   * Start from the end (`true`) or from the first event (`false`). Default: the start stays as it is. Ignored
   * when a position is given.
   */
  readonly fromEnd?: boolean | undefined;
  /** A group on all streams: start from this commit position (inclusive). */
  readonly commitPosition?: number | bigint | undefined;
  /** A group on a stream: start from this stream position (inclusive). */
  readonly streamPosition?: number | bigint | undefined;
}

const KEYS = [
  'groupName',
  'streamName',
  'fromEnd',
  'commitPosition',
  'streamPosition',
  ...SUBSCRIPTION_SETTING_KEYS,
];

/** The group to update, with its new start when one is given. */
type UpdateTarget =
  | { readonly kind: 'all'; readonly start: AllGroupStart | undefined }
  | { readonly kind: 'stream'; readonly streamName: string; readonly start: StreamGroupStart | undefined };

/** The group's source and the start options that fit it; a position for the other kind of group is refused. */
function targetOf(given: Partial<UpdateSubscriptionOptions>, where: string): UpdateTarget {
  const source = groupSourceOf(given.streamName, `${where}: streamName`);
  if (source === ALL_STREAMS) {
    if (given.streamPosition !== undefined) {
      throw new TypeError(`${where}: streamPosition is for a group on a stream; use commitPosition`);
    }
    return { kind: 'all', start: allStartFrom(given.fromEnd, given.commitPosition, where) };
  }
  if (given.commitPosition !== undefined) {
    throw new TypeError(`${where}: commitPosition is for a group on all streams; use streamPosition`);
  }
  return {
    kind: 'stream',
    streamName: source,
    start: streamStartFrom(given.fromEnd, given.streamPosition, where),
  };
}

/**
 * An Update cannot name PinnedByCorrelation (§3.14.2): a group cannot be given that strategy by an update, nor
 * keep it through one.
 */
function unsendableStrategy(where: string, given: boolean): RangeError {
  const allowed = "'DispatchToSingle', 'RoundRobin' or 'Pinned'";
  return new RangeError(
    given
      ? `${where}: consumerStrategy 'PinnedByCorrelation' cannot be set by an update, only ${allowed}`
      : `${where}: the group's consumerStrategy 'PinnedByCorrelation' cannot be kept by an update; give ` +
          `consumerStrategy ${allowed}`,
  );
}

/** The settings to send, with a strategy an Update can name. */
function updatableSettings(
  settings: Required<PersistentSubscriptionSettings>,
  where: string,
): UpdatableSettings {
  const strategy = settings.consumerStrategy;
  if (!isEnumConsumerStrategy(strategy)) throw unsendableStrategy(where, false);
  return { ...settings, consumerStrategy: strategy };
}

/** The group as it is now, its start replaced by the target's when one is given. */
async function currentGroup(
  context: ClientContext,
  target: UpdateTarget,
  groupName: string,
  control: CallControl,
): Promise<{ group: UpdatedGroup; settings: Required<PersistentSubscriptionSettings> }> {
  const source = target.kind === 'all' ? ALL_STREAMS : target.streamName;
  const request = getInfoRequest(source, groupName);
  const { subscriptionInfo } = await withFailover(
    context,
    control,
    (node, attempt) => node.persistent.getInfo(request, attempt),
    { idempotent: true },
  );
  if (subscriptionInfo === undefined) {
    throw new GrpcError({ code: 0, details: 'GetInfo returned no subscription info', trailers: {} });
  }
  if (target.kind === 'all') {
    const { settings, start } = allGroupOfInfo(subscriptionInfo);
    return { group: { kind: 'all', groupName, start: target.start ?? start }, settings };
  }
  const { settings, start } = streamGroupOfInfo(subscriptionInfo);
  const streamName = target.streamName;
  return { group: { kind: 'stream', groupName, streamName, start: target.start ?? start }, settings };
}

/**
 * Updates the group.
 * @throws SubscriptionNotFoundError when the group does not exist; RangeError (after reading the group) when
 * the settings given and the group's own break a rule between them.
 */
export async function updateSubscription(
  context: ClientContext,
  options: UpdateSubscriptionOptions,
): Promise<void> {
  const where = 'updateSubscription';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const groupName = checkGroupName(given.groupName, `${where}: groupName`);
  const target = targetOf(given, where);
  const changes = checkSubscriptionSettings(given, where);
  if (changes.consumerStrategy === 'PinnedByCorrelation') throw unsendableStrategy(where, true);
  // Groups live on the leader, which alone answers for them (§3.14.1, "On other nodes").
  const leader = onLeader(context);
  const { group, settings: current } = await currentGroup(leader, target, groupName, control);
  const settings = settingsWith(current, changes);
  checkSettingsTogether(settings, changes, where);
  const request = updateSubscriptionRequest(group, updatableSettings(settings, where));
  // As for GetInfo, `timeout` bounds this call on its own, as PY's does (`update_subscription_to_all`).
  await withFailover(leader, control, (node) => node.persistent.update(request, control));
}
