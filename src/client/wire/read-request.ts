/**
 * Builds `Streams.Read` requests (docs/protocol.md §2.4, §3.7): plain reads of one stream or of `$all`.
 * Every request names its filter option explicitly (`no_filter` when there is none) and asks for event ids in
 * the string form, as the server requires from 24.10 (§3.7, validation order).
 */
import {
  type ReadReq,
  type ReadReq_Options,
  ReadReq_Options_ReadDirection,
} from '../../generated/streams.js';
import { filterOptionsOf, type RecordFilter } from './filter-options.js';

/** A plain read of one stream. */
export interface StreamReadRequest {
  readonly streamName: string;
  /** The first position to read (inclusive in both directions, §3.7); undefined: from the start or the end. */
  readonly position: bigint | undefined;
  readonly backwards: boolean;
  readonly limit: bigint;
  /** Deliver the events `$>` links point to, with the links (§3.7). */
  readonly resolveLinks: boolean;
  /** Ask for `last_stream_position` after the events (`control_option.compatibility` = 1, §3.7). */
  readonly lastStreamPosition?: boolean;
}

/** A plain read of `$all`. */
export interface AllReadRequest {
  /**
   * The commit position to start from; forwards the event there is included, backwards it is not (§3.7).
   * Undefined: from the start or the end.
   */
  readonly commitPosition: bigint | undefined;
  readonly backwards: boolean;
  readonly limit: bigint;
  /** Deliver the events `$>` links point to, with the links (§3.7). */
  readonly resolveLinks: boolean;
  /** The server-side filter, or undefined for none. */
  readonly filter: RecordFilter | undefined;
}

const EMPTY = {};

function commonOptions(
  request: StreamReadRequest | AllReadRequest,
): Pick<ReadReq_Options, 'readDirection' | 'resolveLinks' | 'countOption' | 'uuidOption'> {
  const { backwards, limit } = request;
  return {
    readDirection: backwards
      ? ReadReq_Options_ReadDirection.Backwards
      : ReadReq_Options_ReadDirection.Forwards,
    resolveLinks: request.resolveLinks,
    countOption: { $case: 'count', value: limit },
    uuidOption: { content: { $case: 'string', value: EMPTY } },
  };
}

/** The request of a stream read. */
export function streamReadRequest(request: StreamReadRequest): ReadReq {
  return {
    options: {
      ...commonOptions(request),
      streamOption: {
        $case: 'stream',
        value: {
          streamIdentifier: { streamName: Buffer.from(request.streamName, 'utf8') },
          revisionOption:
            request.position !== undefined
              ? { $case: 'revision', value: request.position }
              : request.backwards
                ? { $case: 'end', value: EMPTY }
                : { $case: 'start', value: EMPTY },
        },
      },
      // Filters are not allowed on stream reads (§3.7): no_filter must still be sent.
      filterOption: { $case: 'noFilter', value: EMPTY },
      controlOption: request.lastStreamPosition === true ? { compatibility: 1 } : undefined,
    },
  };
}

/** The request of a `$all` read. */
export function allReadRequest(request: AllReadRequest): ReadReq {
  return {
    options: {
      ...commonOptions(request),
      streamOption: {
        $case: 'all',
        value: {
          allOption:
            request.commitPosition !== undefined
              ? {
                  $case: 'position',
                  // Events written through gRPC have commit == prepare (§3.12).
                  value: { commitPosition: request.commitPosition, preparePosition: request.commitPosition },
                }
              : request.backwards
                ? { $case: 'end', value: EMPTY }
                : { $case: 'start', value: EMPTY },
        },
      },
      filterOption:
        request.filter === undefined
          ? { $case: 'noFilter', value: EMPTY }
          : { $case: 'filter', value: filterOptionsOf(request.filter, 1) },
      controlOption: undefined,
    },
  };
}

/** A catch-up subscription to `$all`. */
export interface AllSubscriptionRequest {
  /** Deliver the events strictly after this commit position (§3.8); undefined: from the first event. */
  readonly commitPosition: bigint | undefined;
  /** Deliver the events `$>` links point to, with the links (§3.8). */
  readonly resolveLinks: boolean;
  /** The server-side filter, or undefined for none. */
  readonly filter: RecordFilter | undefined;
}

/**
 * The checkpoint interval multiplier of subscriptions: PY's default (`DEFAULT_CHECKPOINT_INTERVAL_MULTIPLIER`),
 * so a checkpoint every 5 × 32 records considered (§3.9), passed on to subscribers who ask for them.
 */
const SUBSCRIPTION_CHECKPOINT_MULTIPLIER = 5;

/** What every catch-up subscription asks: forwards, then live (count option `subscription`, §3.8). */
function subscriptionOptions(
  resolveLinks: boolean,
): Pick<ReadReq_Options, 'readDirection' | 'resolveLinks' | 'countOption' | 'uuidOption'> {
  return {
    readDirection: ReadReq_Options_ReadDirection.Forwards,
    resolveLinks,
    countOption: { $case: 'subscription', value: EMPTY },
    uuidOption: { content: { $case: 'string', value: EMPTY } },
  };
}

/** The request of a catch-up subscription to `$all`: a Read whose count option is `subscription` (§3.8). */
export function allSubscriptionRequest(request: AllSubscriptionRequest): ReadReq {
  return {
    options: {
      ...subscriptionOptions(request.resolveLinks),
      streamOption: {
        $case: 'all',
        value: {
          allOption:
            request.commitPosition !== undefined
              ? {
                  $case: 'position',
                  // Events written through gRPC have commit == prepare (§3.12).
                  value: { commitPosition: request.commitPosition, preparePosition: request.commitPosition },
                }
              : { $case: 'start', value: EMPTY },
        },
      },
      filterOption:
        request.filter === undefined
          ? { $case: 'noFilter', value: EMPTY }
          : { $case: 'filter', value: filterOptionsOf(request.filter, SUBSCRIPTION_CHECKPOINT_MULTIPLIER) },
      controlOption: undefined,
    },
  };
}

/** A catch-up subscription to one stream. */
export interface StreamSubscriptionRequest {
  readonly streamName: string;
  /** Deliver the events strictly after this stream position (§3.8); undefined: from the first event. */
  readonly position: bigint | undefined;
  /** Deliver the events `$>` links point to, with the links (§3.8). */
  readonly resolveLinks: boolean;
}

/**
 * The request of a catch-up subscription to one stream: a forwards Read whose count option is `subscription`
 * and which names no filter (§3.7, the five valid combinations).
 */
export function streamSubscriptionRequest(request: StreamSubscriptionRequest): ReadReq {
  return {
    options: {
      ...subscriptionOptions(request.resolveLinks),
      streamOption: {
        $case: 'stream',
        value: {
          streamIdentifier: { streamName: Buffer.from(request.streamName, 'utf8') },
          revisionOption:
            request.position !== undefined
              ? { $case: 'revision', value: request.position }
              : { $case: 'start', value: EMPTY },
        },
      },
      filterOption: { $case: 'noFilter', value: EMPTY },
      controlOption: undefined,
    },
  };
}
