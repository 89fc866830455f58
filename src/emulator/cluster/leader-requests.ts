import { delay } from 'abort-controller-x';
import type { CallContext } from 'nice-grpc';
import type { Endpoint } from '../endpoint.js';
import type { EmulatorNode } from '../node.js';
import type { RpcError } from '../server/rpc-error.js';
import { admitStreamRead, admitStreamWrite, type AdmissionFacts } from './admission.js';
import { clusterErrors } from './cluster-errors.js';
import { requiresLeader } from './requires-leader.js';

/** What becomes of a Streams write on this node, decided at once (before anything is written). */
export type StreamsWriteDecision =
  /** Written into the log: by this node as leader, or by the leader it forwarded the write to. */
  | { readonly kind: 'write' }
  | { readonly kind: 'not-leader'; readonly leader: Endpoint }
  | { readonly kind: 'not-ready' }
  /** Forwarded to a node that is gone: the answer is a forwarding timeout after `afterMs`. */
  | { readonly kind: 'forward-timeout'; readonly afterMs: number };

/** A write that does not go ahead. */
export type StreamsWriteRefusal = Exclude<StreamsWriteDecision, { readonly kind: 'write' }>;

function factsOf(node: EmulatorNode): AdmissionFacts {
  return { state: node.role.state, leader: node.role.leader, self: node.endpoint };
}

/**
 * Decides a Streams write (Append, BatchAppend, Delete, Tombstone) by the node's state (admission.ts). A write
 * a replica forwards ends where its leader puts it: the log is shared, so a leader that takes it has written it.
 */
export function decideStreamsWrite(node: EmulatorNode, leaderRequired: boolean): StreamsWriteDecision {
  const admission = admitStreamWrite(factsOf(node), leaderRequired);
  switch (admission.kind) {
    case 'serve':
      return { kind: 'write' };
    case 'not-leader':
      return admission;
    case 'forward':
      switch (node.role.forwardedWrite()) {
        case 'written':
          return { kind: 'write' };
        case 'not-ready':
          return { kind: 'not-ready' };
        case 'lost':
          return { kind: 'forward-timeout', afterMs: node.role.forwardTimeoutMs };
      }
      break;
    case 'not-ready':
    case 'unanswered':
      break;
  }
  return { kind: 'not-ready' };
}

/** The gRPC error of a refused Append, Delete or Tombstone; a lost forward fails only once its timeout passes. */
async function errorOfWriteRefusal(refusal: StreamsWriteRefusal, signal: AbortSignal): Promise<RpcError> {
  switch (refusal.kind) {
    case 'not-leader':
      return clusterErrors.notLeader(refusal.leader);
    case 'not-ready':
      return clusterErrors.serverNotReady();
    case 'forward-timeout':
      await delay(signal, refusal.afterMs);
      return clusterErrors.forwardTimeout();
  }
}

/**
 * Append, Delete and Tombstone, at the point the server hands the write to its node controller (after the
 * request is read and checked): returns when the write goes ahead, throws what the server answers otherwise.
 */
export async function admitStreamsWrite(node: EmulatorNode, context: CallContext): Promise<void> {
  const decision = decideStreamsWrite(node, requiresLeader(context.metadata));
  if (decision.kind === 'write') return;
  throw await errorOfWriteRefusal(decision, context.signal);
}

/**
 * A Streams read or subscription, once the request is validated and its access checked: returns when this node
 * serves it, throws `not-leader` or `Server Is Not Ready` otherwise (admission.ts).
 */
export function admitStreamsRead(node: EmulatorNode, context: CallContext): void {
  const admission = admitStreamRead(factsOf(node), requiresLeader(context.metadata));
  switch (admission.kind) {
    case 'serve':
    case 'forward':
      return;
    case 'not-leader':
      throw clusterErrors.notLeader(admission.leader);
    case 'not-ready':
    case 'unanswered':
      throw clusterErrors.serverNotReady();
  }
}
