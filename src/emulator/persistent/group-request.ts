import type {
  CreateReq,
  CreateReq_AllOptions_FilterOptions,
  CreateReq_Settings,
  UpdateReq,
  UpdateReq_Settings,
} from '../../generated/persistent.js';
import type { StreamIdentifier } from '../../generated/shared.js';
import { rpcErrors } from '../server/rpc-error.js';
import { streamNameOf } from '../wire/stream-name.js';
import { prefixFilter, regexFilter, type EventFilter } from './event-filter.js';
import { ticksToMilliseconds, type GroupSettings } from './group-settings.js';
import { allPosition, streamPosition, type SubscriptionPosition } from './subscription-position.js';

/** A Create or Update of a group, as the gRPC handler hands it to the subsystem. */
export type GroupCommand =
  | {
      readonly kind: 'stream';
      /** Empty when the request named no stream: the subsystem answers "Bad stream name." */
      readonly streamName: string;
      readonly groupName: string;
      readonly startFrom: SubscriptionPosition;
      readonly settings: GroupSettings;
    }
  | {
      readonly kind: 'all';
      readonly groupName: string;
      readonly startFrom: SubscriptionPosition;
      readonly settings: GroupSettings;
      /** Create only: an Update keeps the filter the group already has. */
      readonly filter: EventFilter | undefined;
    };

const CLR_NAMESPACE = 'EventStore.Client.PersistentSubscriptions';
const UINT64_MAX = 18446744073709551615n;
const INT64_MAX = 9223372036854775807n;

/** The names of `ConsumerStrategy` enum values, as C# `ToString()` prints them; unknown values print as numbers. */
const STRATEGY_ENUM_NAMES: readonly string[] = ['DispatchToSingle', 'RoundRobin', 'Pinned'];

function strategyEnumName(value: number): string {
  return STRATEGY_ENUM_NAMES[value] ?? value.toString();
}

/**
 * Reads a CreateReq the way PersistentSubscriptions.Create.cs does, after its access check. Both shapes are
 * accepted (§3.14, §5 item 7): the current `stream`/`all` options, or, when that oneof is unset, the legacy
 * `options.stream_identifier` with the start in `settings.revision` (UINT64 max = end). The strategy is
 * `consumer_strategy` (16) when non-empty, else the name of the enum (13).
 */
export function createCommandOf(request: CreateReq): GroupCommand {
  const options = request.options;
  if (options === undefined) throw new TypeError('the create request has no options');
  const settings = options.settings;
  if (settings === undefined) throw new TypeError('the create request has no settings');
  const strategy =
    settings.consumerStrategy === ''
      ? // eslint-disable-next-line @typescript-eslint/no-deprecated -- the server falls back to the enum (§3.14)
        strategyEnumName(settings.namedConsumerStrategy)
      : settings.consumerStrategy;
  const groupSettings = settingsOf(settings, strategy);
  const streamOption = options.streamOption;
  if (streamOption?.$case === 'all') {
    const all = streamOption.value;
    const startFrom = allStart(
      all.allOption,
      `${CLR_NAMESPACE}.CreateReq+Types+AllOptions+AllOptionOneofCase`,
    );
    const filterOption = all.filterOption;
    const filter = filterOption?.$case === 'filter' ? filterOf(filterOption.value) : undefined;
    return { kind: 'all', groupName: options.groupName, startFrom, settings: groupSettings, filter };
  }
  if (streamOption?.$case === 'stream') {
    const stream = streamOption.value;
    return {
      kind: 'stream',
      streamName: streamNameOf(stream.streamIdentifier),
      groupName: options.groupName,
      startFrom: streamStart(
        stream.revisionOption,
        `${CLR_NAMESPACE}.CreateReq+Types+StreamOptions+RevisionOptionOneofCase`,
      ),
      settings: groupSettings,
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy shape NODE 1.3.1 sends (§5 item 7)
  return legacyCommand(options.streamIdentifier, options.groupName, settings.revision, groupSettings);
}

/**
 * Reads an UpdateReq the way PersistentSubscriptions.Update.cs does: the same shapes as Create, but the
 * strategy is always the enum's name (there is no field 16), there is no filter, and an unset `$all` start
 * makes the handler throw.
 */
export function updateCommandOf(request: UpdateReq): GroupCommand {
  const options = request.options;
  if (options === undefined) throw new TypeError('the update request has no options');
  // Unlike Create, Update.cs reads the settings only when it builds the subsystem's message, after the start:
  // an unset start with no settings is INVALID_ARGUMENT, not UNKNOWN.
  const requiredSettings = (): UpdateReq_Settings => {
    if (options.settings === undefined) throw new TypeError('the update request has no settings');
    return options.settings;
  };
  const groupSettingsOf = (settings: UpdateReq_Settings): GroupSettings =>
    settingsOf(settings, strategyEnumName(settings.namedConsumerStrategy));
  const streamOption = options.streamOption;
  if (streamOption?.$case === 'all') {
    const allOption = streamOption.value.allOption;
    if (allOption === undefined) throw new TypeError('the update request has no $all start');
    const startFrom = allStart(allOption, '');
    return {
      kind: 'all',
      groupName: options.groupName,
      startFrom,
      settings: groupSettingsOf(requiredSettings()),
      filter: undefined,
    };
  }
  if (streamOption?.$case === 'stream') {
    const stream = streamOption.value;
    return {
      kind: 'stream',
      streamName: streamNameOf(stream.streamIdentifier),
      groupName: options.groupName,
      startFrom: streamStart(
        stream.revisionOption,
        `${CLR_NAMESPACE}.UpdateReq+Types+StreamOptions+RevisionOptionOneofCase`,
      ),
      settings: groupSettingsOf(requiredSettings()),
    };
  }
  const settings = requiredSettings();
  /* eslint-disable @typescript-eslint/no-deprecated -- the legacy shape NODE 1.3.1 sends (§5 item 7) */
  return legacyCommand(
    options.streamIdentifier,
    options.groupName,
    settings.revision,
    groupSettingsOf(settings),
  );
  /* eslint-enable @typescript-eslint/no-deprecated */
}

function legacyCommand(
  identifier: StreamIdentifier | undefined,
  groupName: string,
  revision: bigint,
  settings: GroupSettings,
): GroupCommand {
  return {
    kind: 'stream',
    streamName: streamNameOf(identifier),
    groupName,
    startFrom: streamPosition(revisionToInt64(revision)),
    settings,
  };
}

type RevisionOption =
  | { $case: 'revision'; value: bigint }
  | { $case: 'start'; value: object }
  | { $case: 'end'; value: object }
  | undefined;

function streamStart(option: RevisionOption, oneofCaseType: string): SubscriptionPosition {
  switch (option?.$case) {
    case 'revision':
      return streamPosition(revisionToInt64(option.value));
    case 'start':
      return streamPosition(0n);
    case 'end':
      return streamPosition(-1n);
    case undefined:
      throw rpcErrors.invalidArgument(`'None' is not a valid ${oneofCaseType}`);
  }
}

/**
 * `new StreamRevision(value).ToInt64()`: UINT64 max is end (-1); anything else above long.MaxValue makes the
 * constructor throw.
 */
function revisionToInt64(value: bigint): bigint {
  if (value === UINT64_MAX) return -1n;
  if (value > INT64_MAX) throw new RangeError('the stream revision is out of range');
  return value;
}

type AllOption =
  | { $case: 'position'; value: { commitPosition: bigint; preparePosition: bigint } }
  | { $case: 'start'; value: object }
  | { $case: 'end'; value: object }
  | undefined;

function allStart(option: AllOption, oneofCaseType: string): SubscriptionPosition {
  switch (option?.$case) {
    case 'position':
      return positionToInt64(option.value.commitPosition, option.value.preparePosition);
    case 'start':
      return allPosition(0n, 0n);
    case 'end':
      return allPosition(-1n, -1n);
    case undefined:
      throw rpcErrors.invalidArgument(`'None' is not a valid ${oneofCaseType}`);
  }
}

/**
 * `new Position(commit, prepare).ToInt64()` (Transport/Common/Position.cs): the constructor throws when commit
 * is below prepare or either is beyond long.MaxValue without being UINT64 max; (max, max) is end (-1, -1);
 * otherwise each half is cast to long, so a lone UINT64 max becomes -1.
 */
function positionToInt64(commit: bigint, prepare: bigint): SubscriptionPosition {
  if (commit < prepare) throw new RangeError('The commit position cannot be less than the prepare position');
  if ((commit > INT64_MAX && commit !== UINT64_MAX) || (prepare > INT64_MAX && prepare !== UINT64_MAX)) {
    throw new RangeError('the position is out of range');
  }
  if (commit === UINT64_MAX && prepare === UINT64_MAX) return allPosition(-1n, -1n);
  return allPosition(BigInt.asIntN(64, commit), BigInt.asIntN(64, prepare));
}

/**
 * The filter of a `$all` group (ConvertToEventFilter): a non-empty regex wins over prefixes; the window and
 * checkpoint multiplier play no part in persistent subscriptions.
 */
function filterOf(options: CreateReq_AllOptions_FilterOptions): EventFilter {
  const filter = options.filter;
  if (filter === undefined) {
    throw rpcErrors.invalidArgument(
      `'None' is not a valid ${CLR_NAMESPACE}.CreateReq+Types+AllOptions+Types+FilterOptions+FilterOneofCase`,
    );
  }
  const field = filter.$case === 'eventType' ? 'eventtype' : 'streamid';
  const expression = filter.value;
  return expression.regex === ''
    ? prefixFilter(field, expression.prefix)
    : regexFilter(field, expression.regex);
}

function settingsOf(
  settings: CreateReq_Settings | UpdateReq_Settings,
  consumerStrategy: string,
): GroupSettings {
  return {
    resolveLinkTos: settings.resolveLinks,
    extraStatistics: settings.extraStatistics,
    messageTimeoutMs: millisecondsOf(settings.messageTimeout),
    maxRetryCount: settings.maxRetryCount,
    liveBufferSize: settings.liveBufferSize,
    historyBufferSize: settings.historyBufferSize,
    readBatchSize: settings.readBatchSize,
    checkPointAfterMs: millisecondsOf(settings.checkpointAfter),
    minCheckPointCount: settings.minCheckpointCount,
    maxCheckPointCount: settings.maxCheckpointCount,
    maxSubscriberCount: settings.maxSubscriberCount,
    consumerStrategy,
  };
}

type Duration =
  | { $case: 'messageTimeoutMs' | 'checkpointAfterMs'; value: number }
  | { $case: 'messageTimeoutTicks' | 'checkpointAfterTicks'; value: bigint }
  | undefined;

/** The `*_ms` or `*_ticks` member of a duration oneof, in milliseconds; 0 when neither is set. */
function millisecondsOf(duration: Duration): number {
  if (duration === undefined) return 0;
  return typeof duration.value === 'bigint' ? ticksToMilliseconds(duration.value) : duration.value;
}
