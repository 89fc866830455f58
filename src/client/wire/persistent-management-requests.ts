/**
 * Builds the management requests of the persistent-subscriptions service (docs/protocol.md §2.5, §3.14.1):
 * GetInfo, List, Delete and ReplayParked. Each names a group's event source in a oneof whose members are
 * numbered differently per message (§2.5 table); the generated types keep the numbers right, and this module
 * keeps one rule for all of them: the source `$all` is sent as the `all` member, any other as a stream.
 */
import type { DeleteReq, GetInfoReq, ListReq, ReplayParkedReq } from '../../generated/persistent.js';
import type { Empty, StreamIdentifier } from '../../generated/shared.js';

/** The event source of the groups on all streams, as the server names it in its answers (§3.14). */
export const ALL_STREAMS = '$all';

const EMPTY: Empty = {};

type SourceOption = { $case: 'streamIdentifier'; value: StreamIdentifier } | { $case: 'all'; value: Empty };

function sourceOption(source: string): SourceOption {
  return source === ALL_STREAMS
    ? { $case: 'all', value: EMPTY }
    : { $case: 'streamIdentifier', value: { streamName: Buffer.from(source, 'utf8') } };
}

/** GetInfo of the group `groupName` on `source` (a stream name, or `$all`). */
export function getInfoRequest(source: string, groupName: string): GetInfoReq {
  return { options: { streamOption: sourceOption(source), groupName } };
}

/** Delete of the group `groupName` on `source`. */
export function deleteGroupRequest(source: string, groupName: string): DeleteReq {
  return { options: { streamOption: sourceOption(source), groupName } };
}

/**
 * ReplayParked of the group `groupName` on `source`: the parked events numbered below `stopAt` in the parked
 * stream, or all of them (`no_limit`) when it is undefined (§3.14.1).
 */
export function replayParkedRequest(
  source: string,
  groupName: string,
  stopAt: bigint | undefined,
): ReplayParkedReq {
  return {
    options: {
      groupName,
      streamOption: sourceOption(source),
      stopAtOption:
        stopAt === undefined ? { $case: 'noLimit', value: EMPTY } : { $case: 'stopAt', value: stopAt },
    },
  };
}

/** List of every group (`source` undefined), or of the groups on one source. */
export function listGroupsRequest(source: string | undefined): ListReq {
  if (source === undefined) {
    return { options: { listOption: { $case: 'listAllSubscriptions', value: EMPTY } } };
  }
  const option = sourceOption(source);
  return {
    options: {
      listOption: {
        $case: 'listForStream',
        // In ListReq the stream member is named `stream`, not `stream_identifier`.
        value: {
          streamOption: option.$case === 'all' ? option : { $case: 'stream', value: option.value },
        },
      },
    },
  };
}
