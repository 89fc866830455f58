import type { Empty } from '../../generated/shared.js';
import { rpcErrors } from '../server/rpc-error.js';
import type { ExpectedRevision } from '../store/expected-revision.js';

/** The `expected_stream_revision` oneof as Append, Delete and Tombstone declare it. */
export type ExpectedRevisionOneof =
  | { $case: 'revision'; value: bigint }
  | { $case: 'noStream'; value: Empty }
  | { $case: 'any'; value: Empty }
  | { $case: 'streamExists'; value: Empty }
  | undefined;

/**
 * Reads the expected revision. An unset oneof is INVALID_ARGUMENT with the .NET text
 * `'None' is not a valid <CLR name of the oneof-case enum>` (RpcExceptions.InvalidArgument, §3.1.2);
 * `oneofCaseType` is that CLR name, nested types joined with `+` as .NET prints them.
 */
export function expectedRevisionOf(oneof: ExpectedRevisionOneof, oneofCaseType: string): ExpectedRevision {
  switch (oneof?.$case) {
    case 'revision':
      return { kind: 'revision', revision: oneof.value };
    case 'noStream':
      return { kind: 'no-stream' };
    case 'any':
      return { kind: 'any' };
    case 'streamExists':
      return { kind: 'stream-exists' };
    case undefined:
      throw rpcErrors.invalidArgument(`'None' is not a valid ${oneofCaseType}`);
  }
}
