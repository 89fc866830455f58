import type { CallContext } from 'nice-grpc';
import { Code } from '../../../generated/code.js';
import type { UUID } from '../../../generated/shared.js';
import type { Status } from '../../../generated/status.js';
import type { BatchAppendReq, BatchAppendResp } from '../../../generated/streams.js';
import { checkStreamAccess } from '../../auth/check-stream-access.js';
import { clusterErrors } from '../../cluster/cluster-errors.js';
import { decideStreamsWrite, type StreamsWriteRefusal } from '../../cluster/leader-requests.js';
import { requiresLeader } from '../../cluster/requires-leader.js';
import type { User } from '../../auth/user.js';
import type { EmulatorNode } from '../../node.js';
import { DotnetException, dotnetExceptions, dotnetMessageOf } from '../../server/dotnet-exception.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { RpcError } from '../../server/rpc-error.js';
import type { WriteOutcome } from '../../store/write-plan.js';
import { guidFromDto } from '../../wire/dotnet-guid.js';
import { batchAppendStatuses } from '../../wire/rpc-status.js';
import { streamNameOf } from '../../wire/stream-name.js';
import { writeSuccess } from '../../wire/write-success.js';
import { textToStructuredUuid } from '../../wire/uuid.js';
import { BatchAppendOutbox } from './batch-append-outbox.js';
import { PendingBatch } from './batch-append-pending.js';
import { batchTimeoutTicks, timeoutMilliseconds } from './batch-append-timeout.js';

/** What the server answers in-band for a write its node is not ready for: code 0 and a packed `Empty`. */
const NOT_READY_STATUS: Status = {
  code: Code.OK,
  message: 'Server Is Not Ready',
  details: { typeUrl: 'type.googleapis.com/google.protobuf.Empty', value: new Uint8Array(0) },
};

/** `Guid.Empty`, as lower-case text. */
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * `Streams.BatchAppend` (§3.5, §3.6, §3.18; server Streams.BatchAppend.cs as of 24.10): one long-lived call
 * carrying many appends keyed by correlation id, every outcome an in-band `BatchAppendResp` while the call
 * stays OK. Requests are read and responses sent independently, as the server's `Receive` and `Send` loops do.
 */
export function createBatchAppend(node: EmulatorNode) {
  return async function* batchAppend(
    requests: AsyncIterable<BatchAppendReq>,
    context: EmulatorCallContext & CallContext,
  ): AsyncGenerator<BatchAppendResp, void, undefined> {
    const outbox = new BatchAppendOutbox(context.signal);
    // The header is read once for the whole call (Streams.BatchAppend.cs, `GetRequiresLeader`).
    const receiver = new BatchAppendReceiver(node, context.user, outbox, requiresLeader(context.metadata));
    void receiver.receive(requests).then(
      () => {
        outbox.close();
      },
      (error: unknown) => {
        outbox.fail(error);
      },
    );
    try {
      yield* outbox;
    } finally {
      receiver.stop();
    }
  };
}

/** The server's `Receive` loop: reads chunks, keeps the pending batches, hands finished ones to the store. */
class BatchAppendReceiver {
  /** Batches waiting for `is_final`, by correlation id (lower-case text, so both UUID forms meet). */
  private readonly pending = new Map<string, PendingBatch>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly completions = new Set<NodeJS.Immediate>();

  constructor(
    private readonly node: EmulatorNode,
    private readonly user: User,
    private readonly outbox: BatchAppendOutbox,
    private readonly leaderRequired: boolean,
  ) {}

  async receive(requests: AsyncIterable<BatchAppendReq>): Promise<void> {
    for await (const request of requests) {
      try {
        this.handle(request);
      } catch (error: unknown) {
        // The server's catch block answers with the stream identifier of the request's options; a chunk
        // without options makes that line throw in turn, which ends the whole call as an unhandled exception.
        if (request.options === undefined) {
          throw new TypeError(`a chunk without options failed: ${dotnetMessageOf(error)}`, { cause: error });
        }
        this.reply(
          request.correlationId,
          request.options.streamIdentifier,
          batchAppendStatuses.badRequest(dotnetMessageOf(error)),
        );
      }
    }
  }

  /** The call is over: no timer or write completion may answer any more. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    for (const completion of this.completions) clearImmediate(completion);
    this.timers.clear();
    this.completions.clear();
  }

  /** One request message, in the server's order of checks. Anything thrown becomes a `BadRequest`. */
  private handle(request: BatchAppendReq): void {
    const key = guidFromDto(request.correlationId);
    if (request.options !== undefined && !this.open(request.correlationId, key, request.options)) return;

    // Chunks for an id with no batch waiting (unknown, or already answered) are dropped silently.
    const batch = this.pending.get(key);
    if (batch === undefined) return;
    batch.addAll(request.proposedMessages);
    if (batch.size > this.node.maxAppendSize) {
      this.pending.delete(key);
      this.reply(
        request.correlationId,
        identifierOf(batch.streamName),
        batchAppendStatuses.maximumAppendSizeExceeded(this.node.maxAppendSize),
      );
    }
    if (!request.isFinal || !this.pending.delete(key)) return;
    this.submit(request.correlationId, key, batch);
  }

  /**
   * A chunk's options: checked, then they start a batch for `key` unless one waits already. False when the
   * chunk was answered and goes no further.
   */
  private open(
    correlationId: UUID | undefined,
    key: string,
    options: NonNullable<BatchAppendReq['options']>,
  ): boolean {
    const timeout = batchTimeoutTicks(options);
    // The access check converts the identifier to a name first, which throws when it is missing, so the
    // server's own "Required field StreamIdentifier not set." answer is never reached.
    if (options.streamIdentifier === undefined) throw dotnetExceptions.nullReference();
    // Access is checked per batch, never for the whole call (§3.5).
    if (!this.mayWrite(streamNameOf(options.streamIdentifier))) {
      this.reply(correlationId, options.streamIdentifier, batchAppendStatuses.accessDenied());
      return false;
    }
    if (timeout <= 0n) {
      this.reply(correlationId, options.streamIdentifier, batchAppendStatuses.timeout());
      return false;
    }
    // The first options for an id win; later ones are checked as above but otherwise ignored.
    if (!this.pending.has(key)) {
      this.pending.set(key, PendingBatch.fromOptions(options));
      this.startTimer(key, timeoutMilliseconds(timeout));
    }
    return true;
  }

  /** A batch whose last chunk arrived goes to the node as one write. */
  private submit(correlationId: UUID | undefined, key: string, batch: PendingBatch): void {
    this.outbox.writeSubmitted();
    // The internal write message checks the client's correlation id, then the name, which arrives as null when
    // empty (24.10 ClientMessage.WriteEvents: Ensure.NotEmptyGuid, Ensure.NotNullOrEmpty). Ensure hands its
    // arguments to these exceptions in swapped order, which gives their odd messages.
    if (key === EMPTY_GUID) {
      throw dotnetExceptions.argument('correlationId', 'correlationId should be non-empty GUID.');
    }
    if (batch.streamName === '') throw new DotnetException('eventStreamId');
    // Later servers also refuse `$$` (SystemStreams.IsInvalidStream).
    if (batch.streamName === '$$') throw dotnetExceptions.argumentOutOfRange('eventStreamId');
    // The write message goes to the node controller, which serves, forwards or refuses it (§3.1.1, §4).
    const decision = decideStreamsWrite(this.node, this.leaderRequired);
    if (decision.kind !== 'write') {
      this.refuse(correlationId, batch.streamName, decision);
      return;
    }
    const response = this.responseTo(
      correlationId,
      batch,
      this.node.store.append(batch.streamName, batch.expected, batch.events),
    );
    // The write is atomic and done now; its answer comes back from the writer later, after the server has
    // moved on to the next request (which may be the half-close), so it is queued on a later turn.
    const completion = setImmediate(() => {
      this.completions.delete(completion);
      this.outbox.push(response);
    });
    this.completions.add(completion);
  }

  /**
   * A write the node controller did not take, answered as the server's write callback converts `NotHandled` and
   * `ForwardTimeout` (Streams.BatchAppend.cs `ConvertMessage`): `not-leader` ends the whole call with the
   * NOT_FOUND error once earlier answers are out; not ready is an in-band status with code 0 and an `Empty`
   * detail; a lost forward is an in-band `Timeout` once the forwarding timeout passes.
   */
  private refuse(correlationId: UUID | undefined, streamName: string, refusal: StreamsWriteRefusal): void {
    if (refusal.kind === 'forward-timeout') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.reply(correlationId, identifierOf(streamName), batchAppendStatuses.timeout());
      }, refusal.afterMs);
      this.timers.add(timer);
      return;
    }
    const completion = setImmediate(() => {
      this.completions.delete(completion);
      if (refusal.kind === 'not-leader') {
        this.outbox.failAfterQueued(clusterErrors.notLeader(refusal.leader));
      } else {
        this.reply(correlationId, identifierOf(streamName), NOT_READY_STATUS);
      }
    });
    this.completions.add(completion);
  }

  /** The write's outcome as BatchAppendResp (§3.5; BatchAppendResp.cs `Success.Completed`). */
  private responseTo(
    correlationId: UUID | undefined,
    batch: PendingBatch,
    outcome: WriteOutcome,
  ): BatchAppendResp {
    let result: BatchAppendResp['result'];
    switch (outcome.kind) {
      case 'success':
        // Commit == prepare == the last event's position (§3.12).
        result = { $case: 'success', value: writeSuccess(outcome) };
        break;
      case 'wrong-expected-version':
        result = {
          $case: 'error',
          value: batchAppendStatuses.wrongExpectedVersion(outcome.currentEventNumber, batch.expected),
        };
        break;
      case 'stream-deleted':
        result = { $case: 'error', value: batchAppendStatuses.streamDeleted(batch.streamName) };
        break;
    }
    return {
      correlationId,
      result,
      streamIdentifier: identifierOf(batch.streamName),
      expectedStreamPosition: undefined,
    };
  }

  /**
   * The server's timer for a batch, started with its first options and never cancelled: when it fires, whatever
   * batch then waits under this id is dropped with a Timeout that carries the structured id (§3.5).
   */
  private startTimer(key: string, milliseconds: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const batch = this.pending.get(key);
      if (batch === undefined) return;
      this.pending.delete(key);
      this.reply(textToStructuredUuid(key), identifierOf(batch.streamName), batchAppendStatuses.timeout());
    }, milliseconds);
    this.timers.add(timer);
  }

  private mayWrite(streamName: string): boolean {
    try {
      checkStreamAccess(this.node.store, this.user, 'write', streamName);
      return true;
    } catch (error: unknown) {
      if (error instanceof RpcError) return false;
      throw error;
    }
  }

  /** An error answer; the correlation id is echoed in the form the client sent it (§3.5). */
  private reply(
    correlationId: UUID | undefined,
    streamIdentifier: BatchAppendResp['streamIdentifier'],
    error: Status,
  ): void {
    this.outbox.push({
      correlationId,
      result: { $case: 'error', value: error },
      streamIdentifier,
      expectedStreamPosition: undefined,
    });
  }
}

function identifierOf(streamName: string): NonNullable<BatchAppendResp['streamIdentifier']> {
  return { streamName: Buffer.from(streamName, 'utf8') };
}
