import type { CallContext } from 'nice-grpc';
import type { AppendReq, AppendResp, AppendResp_WrongExpectedVersion } from '../../../generated/streams.js';
import { checkStreamAccess } from '../../auth/check-stream-access.js';
import { admitStreamsWrite } from '../../cluster/leader-requests.js';
import type { EmulatorNode } from '../../node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { rpcErrors } from '../../server/rpc-error.js';
import type { ExpectedRevision } from '../../store/expected-revision.js';
import type { ProposedEvent } from '../../store/stored-event.js';
import { expectedRevisionOf } from '../../wire/expected-revision.js';
import { streamNameOf } from '../../wire/stream-name.js';
import { writeSuccess } from '../../wire/write-success.js';
import { expectedRevisionAsServerReadsIt } from '../../wire/stream-revision.js';
import { proposedEventOf } from '../../wire/proposed-event.js';

const EXPECTED_REVISION_CASE =
  'EventStore.Client.Streams.AppendReq+Types+Options+ExpectedStreamRevisionOneofCase';

/** UINT64 max: what the legacy field says for an expected `no_stream` (§3.3). */
const NO_STREAM_LEGACY_REVISION = 18446744073709551615n;

/**
 * `Streams.Append` (§3.3; server: Streams.Append.cs): options first, then proposed messages, written as one
 * atomic write on half-close. Size limits apply while messages arrive; a wrong expected version is answered
 * in-band with both the legacy and the current fields.
 */
export function createAppend(node: EmulatorNode) {
  return async function append(
    requests: AsyncIterable<AppendReq>,
    context: EmulatorCallContext & CallContext,
  ): Promise<AppendResp> {
    const iterator = requests[Symbol.asyncIterator]();
    const first = await iterator.next();
    // No message, or anything but options first: the handler throws (InvalidOperationException).
    if (first.done === true || first.value.content?.$case !== 'options') {
      throw new TypeError('the first append message must carry options');
    }
    const options = first.value.content.value;
    // The expected revision is read first; the identifier only becomes a name for the access check, so a
    // missing identifier with an unset revision is INVALID_ARGUMENT, not UNKNOWN (Streams.Append.cs, 24.10).
    const requested = expectedRevisionOf(options.expectedStreamRevision, EXPECTED_REVISION_CASE);
    const expected = expectedRevisionAsServerReadsIt(requested);
    const streamName = streamNameOf(options.streamIdentifier);
    checkStreamAccess(node.store, context.user, 'write', streamName);

    const events: ProposedEvent[] = [];
    let size = 0;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      if (next.value.content?.$case !== 'proposedMessage') {
        throw new TypeError('every append message after the options must be a proposed message');
      }
      events.push(
        proposedEventOf(next.value.content.value, (sizeOnDisk) => {
          size += sizeOnDisk;
          if (size > node.maxAppendSize) throw rpcErrors.maximumAppendSizeExceeded(node.maxAppendSize);
        }),
      );
    }

    // An empty name reaches the server as null, which the internal write message refuses
    // (ClientMessage.WriteEvents, Ensure.NotNullOrEmpty): an unhandled exception once the events are read.
    if (streamName === '') throw new TypeError('the stream name is empty');
    // The write now goes to the node controller, which serves it, forwards it or refuses it (§3.1.1, §4).
    await admitStreamsWrite(node, context);
    const outcome = node.store.append(streamName, expected, events);
    switch (outcome.kind) {
      case 'stream-deleted':
        throw rpcErrors.streamDeleted(streamName);
      case 'wrong-expected-version':
        return {
          result: {
            $case: 'wrongExpectedVersion',
            value: wrongExpectedVersion(requested, outcome.currentEventNumber),
          },
        };
      case 'success':
        return { result: { $case: 'success', value: writeSuccess(outcome) } };
    }
  };
}

/**
 * Both oneof generations filled, as Streams.Append.cs does (§3.3 step 5). The expected side follows the case the
 * request used: a revision of UINT64 max is written back as that revision, although the write read it as
 * `no_stream` (the server fills it from `StreamRevision.FromInt64(-1)`, i.e. `End`).
 */
function wrongExpectedVersion(expected: ExpectedRevision, current: bigint): AppendResp_WrongExpectedVersion {
  const currentFields: Pick<
    AppendResp_WrongExpectedVersion,
    'currentRevisionOption2060' | 'currentRevisionOption'
  > =
    current < 0n
      ? {
          currentRevisionOption2060: { $case: 'noStream2060', value: {} },
          currentRevisionOption: { $case: 'currentNoStream', value: {} },
        }
      : {
          currentRevisionOption2060: { $case: 'currentRevision2060', value: current },
          currentRevisionOption: { $case: 'currentRevision', value: current },
        };
  switch (expected.kind) {
    case 'any':
      return {
        ...currentFields,
        expectedRevisionOption2060: { $case: 'any2060', value: {} },
        expectedRevisionOption: { $case: 'expectedAny', value: {} },
      };
    case 'stream-exists':
      return {
        ...currentFields,
        expectedRevisionOption2060: { $case: 'streamExists2060', value: {} },
        expectedRevisionOption: { $case: 'expectedStreamExists', value: {} },
      };
    case 'no-stream':
      return {
        ...currentFields,
        expectedRevisionOption2060: { $case: 'expectedRevision2060', value: NO_STREAM_LEGACY_REVISION },
        expectedRevisionOption: { $case: 'expectedNoStream', value: {} },
      };
    case 'revision':
      return {
        ...currentFields,
        expectedRevisionOption2060: { $case: 'expectedRevision2060', value: expected.revision },
        expectedRevisionOption: { $case: 'expectedRevision', value: expected.revision },
      };
  }
}
