import { Code } from '../../generated/code.js';
import type { Any } from '../../generated/google/protobuf/any.js';
import {
  AccessDenied,
  BadRequest,
  MaximumAppendSizeExceeded,
  StreamDeleted,
  Timeout,
  Unknown,
  WrongExpectedVersion,
} from '../../generated/shared.js';
import type { Status } from '../../generated/status.js';
import type { ExpectedRevision } from '../store/expected-revision.js';

/** What C# `Any.Pack` puts before the full message name; clients match the whole URL (§3.5). */
const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** Packs an encoded `event_store.client.<name>` message the way C# `Any.Pack` does. */
function packed(messageName: string, value: Uint8Array): Any {
  return { typeUrl: `${TYPE_URL_PREFIX}event_store.client.${messageName}`, value };
}

/**
 * The in-band `google.rpc.Status` values of BatchAppend (§3.5 table; server Transport/Grpc/Status.cs): the
 * message is the detail's type name, the detail is packed into `details`.
 */
export const batchAppendStatuses = {
  /**
   * Current: the stream's last event number, or `current_no_stream` when that is -1. Expected: what the
   * request said (WrongExpectedVersion.cs, `Create`).
   */
  wrongExpectedVersion: (currentEventNumber: bigint, expected: ExpectedRevision): Status => {
    const detail: WrongExpectedVersion = {
      currentStreamRevisionOption:
        currentEventNumber < 0n
          ? { $case: 'currentNoStream', value: {} }
          : { $case: 'currentStreamRevision', value: currentEventNumber },
      expectedStreamPositionOption: expectedOption(expected),
    };
    return {
      code: Code.ALREADY_EXISTS,
      message: 'WrongExpectedVersion',
      details: packed('WrongExpectedVersion', WrongExpectedVersion.encode(detail).finish()),
    };
  },
  streamDeleted: (streamName: string): Status => ({
    code: Code.NOT_FOUND,
    message: 'StreamDeleted',
    details: packed(
      'StreamDeleted',
      StreamDeleted.encode({ streamIdentifier: { streamName: Buffer.from(streamName, 'utf8') } }).finish(),
    ),
  }),
  accessDenied: (): Status => ({
    code: Code.PERMISSION_DENIED,
    message: 'AccessDenied',
    details: packed('AccessDenied', AccessDenied.encode({}).finish()),
  }),
  timeout: (): Status => ({
    code: Code.DEADLINE_EXCEEDED,
    message: 'Timeout',
    details: packed('Timeout', Timeout.encode({}).finish()),
  }),
  maximumAppendSizeExceeded: (maxAppendSize: number): Status => ({
    code: Code.INVALID_ARGUMENT,
    message: 'MaximumAppendSizeExceeded',
    details: packed(
      'MaximumAppendSizeExceeded',
      MaximumAppendSizeExceeded.encode({ maxAppendSize }).finish(),
    ),
  }),
  /** `message` is the text of the exception the server caught. */
  badRequest: (message: string): Status => ({
    code: Code.INVALID_ARGUMENT,
    message: 'BadRequest',
    details: packed('BadRequest', BadRequest.encode({ message }).finish()),
  }),
  unknown: (): Status => ({
    code: Code.UNKNOWN,
    message: 'Unknown',
    details: packed('Unknown', Unknown.encode({}).finish()),
  }),
} as const;

function expectedOption(expected: ExpectedRevision): WrongExpectedVersion['expectedStreamPositionOption'] {
  switch (expected.kind) {
    case 'any':
      return { $case: 'expectedAny', value: {} };
    case 'no-stream':
      return { $case: 'expectedNoStream', value: {} };
    case 'stream-exists':
      return { $case: 'expectedStreamExists', value: {} };
    case 'revision':
      return { $case: 'expectedStreamPosition', value: expected.revision };
  }
}
