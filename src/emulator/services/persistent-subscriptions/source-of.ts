import type { Empty, StreamIdentifier } from '../../../generated/shared.js';
import { ALL_STREAM } from '../../persistent/names.js';
import { streamNameOf } from '../../wire/stream-name.js';

/** The `stream_option` oneofs of Delete, GetInfo, ReplayParked and Read. */
export type SourceOption =
  { $case: 'streamIdentifier'; value: StreamIdentifier } | { $case: 'all'; value: Empty } | undefined;

/**
 * The event source a request names: the stream, or `$all`. An unset oneof makes the server's handlers throw
 * InvalidOperationException (UNKNOWN, §3.1).
 */
export function sourceNameOf(option: SourceOption): string {
  switch (option?.$case) {
    case 'streamIdentifier':
      return streamNameOf(option.value);
    case 'all':
      return ALL_STREAM;
    case undefined:
      throw new TypeError('the request names neither a stream nor $all');
  }
}
