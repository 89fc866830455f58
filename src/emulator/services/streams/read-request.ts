import {
  type ReadReq,
  type ReadReq_Options,
  type ReadReq_Options_AllOptions,
  ReadReq_Options_ReadDirection,
  type ReadReq_Options_FilterOptions,
  type ReadReq_Options_StreamOptions,
} from '../../../generated/streams.js';
import { dotnetExceptions } from '../../server/dotnet-exception.js';
import { compileAllFilter, type RecordFilter } from '../../store/all-filter.js';
import { INT64_MAX, type LogPosition, UINT64_MAX } from '../../store/log-position.js';
import { streamNameOf } from '../../wire/stream-name.js';
import type { UuidForm } from '../../wire/uuid.js';
import {
  invalidCombination,
  missingFilterExpression,
  missingFilterWindow,
  missingStreamOption,
  missingUuidOption,
} from './read-request-errors.js';

/** The name reads of `$all` are authorised as (§3.7 step 3, §4). */
const ALL_STREAM = '$all';

/** The search window `window.count` stands for (§3.9; Enumerator.cs `ReadBatchSize`). */
const DEFAULT_SEARCH_WINDOW = 32;

/** What a request reads, known once steps 1 and 2 of §3.7 have passed: enough for the access check. */
export interface ReadTarget {
  readonly options: ReadReq_Options;
  readonly uuidForm: UuidForm;
  /** The stream, or `$all`. */
  readonly streamName: string;
}

/** Where a stream read or subscription starts. A revision of UINT64 max is `end` (StreamRevision.cs). */
export type StreamStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'revision'; readonly revision: bigint };

/** Where a `$all` read or subscription starts. (UINT64 max, UINT64 max) is `end` (Position.cs). */
export type AllStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'position'; readonly position: LogPosition };

/** A server-side filter (§3.9). */
export interface AllFilter {
  readonly matches: RecordFilter;
  /** `window.max`, or 32 for `window.count`. */
  readonly window: number;
}

interface ReadBasics {
  readonly resolveLinks: boolean;
  readonly uuidForm: UuidForm;
}

/** A request that passed every check of §3.7, as one of the five things `Streams.Read` does. */
export type ReadPlan =
  /** The server swallows the InvalidOperationException an unset start option raises: OK, no messages. */
  | { readonly kind: 'nothing' }
  | (ReadBasics & {
      readonly kind: 'read-stream';
      readonly streamName: string;
      readonly start: StreamStart;
      readonly direction: 'forwards' | 'backwards';
      readonly count: bigint;
      readonly compatibility: number;
    })
  | (ReadBasics & {
      readonly kind: 'read-all';
      readonly start: AllStart;
      readonly direction: 'forwards' | 'backwards';
      readonly count: bigint;
      readonly filter: AllFilter | undefined;
    })
  | (ReadBasics & {
      readonly kind: 'subscribe-stream';
      readonly streamName: string;
      readonly start: StreamStart;
    })
  | (ReadBasics & {
      readonly kind: 'subscribe-all';
      readonly start: AllStart;
      readonly filter: (AllFilter & { readonly checkpointInterval: number }) | undefined;
    });

/**
 * Steps 1 and 2 of §3.7 (Streams.Read.cs `Read`): missing options are dereferenced unchecked (UNKNOWN); then
 * `uuid_option` must be present (24.10+), then `stream_option` set. A stream's name is read here because the
 * access check needs it; a missing identifier is an unhandled exception.
 */
export function readTargetOf(request: ReadReq): ReadTarget {
  const options = request.options;
  if (options === undefined) throw dotnetExceptions.nullReference();
  if (options.uuidOption === undefined) throw missingUuidOption();
  // An unset `content` falls through to the structured form (ResponseConverter's default case).
  const uuidForm: UuidForm = options.uuidOption.content?.$case === 'string' ? 'string' : 'structured';
  switch (options.streamOption?.$case) {
    case 'stream':
      return { options, uuidForm, streamName: streamNameOf(options.streamOption.value.streamIdentifier) };
    case 'all':
      return { options, uuidForm, streamName: ALL_STREAM };
    case undefined:
      throw missingStreamOption();
  }
}

/** Thrown where the server raises InvalidOperationException while building its enumerator; it swallows it. */
class UnsetStartOption extends Error {}

/**
 * Step 4 of §3.7 (Streams.Read.cs `CreateEnumerator`): the allowed (stream, count, direction, filter) tuples,
 * each with its arguments converted in the server's order, so that the first bad argument is the one reported.
 */
export function readPlanOf(target: ReadTarget): ReadPlan {
  try {
    return planOf(target);
  } catch (error: unknown) {
    if (error instanceof UnsetStartOption) return { kind: 'nothing' };
    throw error;
  }
}

function planOf({ options, uuidForm, streamName }: ReadTarget): ReadPlan {
  const basics: ReadBasics = { resolveLinks: options.resolveLinks, uuidForm };
  const stream = options.streamOption?.$case === 'stream' ? options.streamOption.value : undefined;
  const all = options.streamOption?.$case === 'all' ? options.streamOption.value : undefined;
  const count = options.countOption?.$case === 'count' ? options.countOption.value : undefined;
  const subscription = options.countOption?.$case === 'subscription';
  const filter = options.filterOption?.$case === 'filter' ? options.filterOption.value : undefined;
  const noFilter = options.filterOption?.$case === 'noFilter';
  const direction =
    options.readDirection === ReadReq_Options_ReadDirection.Forwards
      ? 'forwards'
      : options.readDirection === ReadReq_Options_ReadDirection.Backwards
        ? 'backwards'
        : undefined;

  if (stream !== undefined && count !== undefined && direction !== undefined && noFilter) {
    const start = streamStartOf(stream);
    return {
      ...basics,
      kind: 'read-stream',
      streamName: nonEmpty(streamName),
      start,
      direction,
      count,
      compatibility: options.controlOption?.compatibility ?? 0,
    };
  }
  if (
    all !== undefined &&
    count !== undefined &&
    direction !== undefined &&
    (noFilter || filter !== undefined)
  ) {
    const start = allStartOf(all);
    return { ...basics, kind: 'read-all', start, direction, count, filter: filter && allFilterOf(filter) };
  }
  if (stream !== undefined && subscription && direction === 'forwards' && noFilter) {
    const start = streamStartOf(stream);
    return { ...basics, kind: 'subscribe-stream', streamName: nonEmpty(streamName), start };
  }
  if (all !== undefined && subscription && direction === 'forwards' && (noFilter || filter !== undefined)) {
    const start = allStartOf(all);
    return { ...basics, kind: 'subscribe-all', start, filter: filter && subscriptionFilterOf(filter) };
  }
  throw invalidCombination(options);
}

/** An empty name converts to null, which the enumerators' argument checks throw on (unhandled: UNKNOWN). */
function nonEmpty(streamName: string): string {
  if (streamName === '') throw dotnetExceptions.argumentNull('streamName');
  return streamName;
}

/** ReadReq.cs `ToStreamRevision` / `ToSubscriptionStreamRevision` with StreamRevision.cs's range check. */
function streamStartOf(options: ReadReq_Options_StreamOptions): StreamStart {
  const revisionOption = options.revisionOption;
  switch (revisionOption?.$case) {
    case 'start':
      return { kind: 'start' };
    case 'end':
      return { kind: 'end' };
    case 'revision': {
      const revision = revisionOption.value;
      if (revision === UINT64_MAX) return { kind: 'end' };
      if (revision > INT64_MAX) throw dotnetExceptions.argumentOutOfRange('value');
      return { kind: 'revision', revision };
    }
    case undefined:
      throw new UnsetStartOption();
  }
}

/**
 * ReadReq.cs `ToPosition` / `ToSubscriptionPosition` with Position.cs's checks: commit below prepare, or either
 * above `long.MaxValue` without being UINT64 max, throws (unhandled: UNKNOWN, §3.7). A lone UINT64 max commit
 * becomes -1, as the server's unchecked cast does.
 */
function allStartOf(options: ReadReq_Options_AllOptions): AllStart {
  const allOption = options.allOption;
  switch (allOption?.$case) {
    case 'start':
      return { kind: 'start' };
    case 'end':
      return { kind: 'end' };
    case 'position': {
      const { commitPosition, preparePosition } = allOption.value;
      if (commitPosition < preparePosition) throw dotnetExceptions.argumentOutOfRange('commitPosition');
      if (commitPosition > INT64_MAX && commitPosition !== UINT64_MAX) {
        throw dotnetExceptions.argumentOutOfRange('commitPosition');
      }
      if (preparePosition > INT64_MAX && preparePosition !== UINT64_MAX) {
        throw dotnetExceptions.argumentOutOfRange('preparePosition');
      }
      if (commitPosition === UINT64_MAX && preparePosition === UINT64_MAX) return { kind: 'end' };
      return {
        kind: 'position',
        position: { commit: commitPosition === UINT64_MAX ? -1n : commitPosition, prepare: preparePosition },
      };
    }
    case undefined:
      throw new UnsetStartOption();
  }
}

/** Streams.Read.cs `ConvertToEventFilter`, then the window, in the order the server evaluates them. */
function allFilterOf(filter: ReadReq_Options_FilterOptions): AllFilter {
  const expression = filter.filter;
  if (expression === undefined) throw missingFilterExpression(filter);
  const matches = compileAllFilter({
    field: expression.$case === 'streamIdentifier' ? 'stream' : 'type',
    regex: expression.value.regex,
    prefixes: expression.value.prefix,
  });
  switch (filter.window?.$case) {
    case 'max':
      return { matches, window: filter.window.value };
    case 'count':
      return { matches, window: DEFAULT_SEARCH_WINDOW };
    case undefined:
      throw missingFilterWindow();
  }
}

/**
 * A subscription's filter also needs its checkpoint interval, multiplier × window as a .NET `uint` product
 * (Enumerator.AllSubscriptionFiltered.cs). A multiplier of 0 makes the enumerator's constructor throw (§3.9).
 */
function subscriptionFilterOf(
  filter: ReadReq_Options_FilterOptions,
): AllFilter & { readonly checkpointInterval: number } {
  const spec = allFilterOf(filter);
  if (filter.checkpointIntervalMultiplier === 0) {
    throw dotnetExceptions.argumentOutOfRange('checkpointIntervalMultiplier');
  }
  const checkpointInterval = Number(
    BigInt.asUintN(32, BigInt(filter.checkpointIntervalMultiplier) * BigInt(spec.window)),
  );
  return { ...spec, checkpointInterval };
}
