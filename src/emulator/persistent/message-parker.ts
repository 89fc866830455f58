import { randomUUID } from 'node:crypto';
import type { EventStore } from '../store/event-store.js';
import { metastreamOf } from '../store/stored-event.js';
import { newtonsoftLocalTime, toIndentedJson } from './dotnet-json.js';
import { LINK_EVENT_TYPE } from '../store/link-resolution.js';
import { parkedStreamOf } from './names.js';
import { readStreamForward, type StreamPage } from './read-stream-forward.js';
import { originalOf, type ResolvedEvent } from './resolved-event.js';

/**
 * A group's parked messages (server: PersistentSubscriptionMessageParker.cs, as in 24.10): `$>` links to the
 * parked events in `$persistentsubscription-<key>-parked`, and the counters GetInfo shows. Replaying moves the
 * stream's `$tb` past what was replayed.
 */
export class MessageParker {
  readonly stream: string;
  private lastTruncateBefore = -1n;
  private lastParkedEventNumber = -1n;

  constructor(
    private readonly store: EventStore,
    key: string,
  ) {
    this.stream = parkedStreamOf(key);
  }

  /** `ParkedMessageCount`: what is between the truncation point (when known) and the last parked link. */
  get parkedMessageCount(): bigint {
    if (this.lastParkedEventNumber === -1n) return 0n;
    if (this.lastTruncateBefore === -1n) return this.lastParkedEventNumber + 1n;
    return this.lastParkedEventNumber - this.lastTruncateBefore + 1n;
  }

  /**
   * Parks one message (§3.14 step 5): a non-JSON `$>` event whose data is `<number>@<stream>` of the resolved
   * event (or the link's own data when it could not be resolved), with JSON metadata holding when, why and the
   * original record's number, written expecting any version. False when the write failed.
   */
  park(resolved: ResolvedEvent, reason: string): boolean {
    const target = resolved.event;
    const data =
      target === undefined
        ? Buffer.from(resolved.link?.data ?? new Uint8Array(0)).toString('utf8')
        : `${target.eventNumber.toString()}@${target.streamName}`;
    const subscriptionEventNumber = originalOf(resolved).eventNumber;
    // Newtonsoft with camelCase names, leaving out the default 0 (Json.ToJson settings).
    const metadata = toIndentedJson({
      added: newtonsoftLocalTime(new Date()),
      reason,
      ...(subscriptionEventNumber === 0n ? {} : { subscriptionEventNumber }),
    });
    const outcome = this.store.append(this.stream, { kind: 'any' }, [
      {
        eventId: randomUUID(),
        eventType: LINK_EVENT_TYPE,
        isJson: false,
        data: new TextEncoder().encode(data),
        metadata: new TextEncoder().encode(metadata),
      },
    ]);
    if (outcome.kind !== 'success') return false;
    this.lastParkedEventNumber = outcome.lastEventNumber;
    return true;
  }

  /**
   * Loads the counters from the stream (`BeginLoadStats`, done only when a group starts from a checkpoint): the
   * last parked link and the first one still visible.
   */
  loadStats(): void {
    const view = this.store.readStream(this.stream);
    if (view.kind !== 'found' || view.firstVisible > view.lastEventNumber) {
      this.lastTruncateBefore = -1n;
      this.lastParkedEventNumber = -1n;
      return;
    }
    this.lastTruncateBefore = BigInt(view.firstVisible);
    this.lastParkedEventNumber = BigInt(view.lastEventNumber);
  }

  /**
   * The last event number of the parked stream (`BeginReadEndSequence`): undefined when it does not exist,
   * `'deleted'` when it is tombstoned (the 24.10 server never answers then).
   */
  endSequence(): bigint | undefined | 'deleted' {
    const view = this.store.readStream(this.stream);
    if (view.kind === 'deleted') return 'deleted';
    if (view.kind === 'not-found') return undefined;
    return BigInt(view.lastEventNumber);
  }

  /** One page of parked links, resolved to the events they point at. */
  readPage(from: bigint, count: number): StreamPage {
    return readStreamForward(this.store, this.stream, from, count, true);
  }

  /**
   * Marks everything before `sequence` as replayed: writes the parked stream's metadata with `$tb` and an ACL
   * that keeps the stream to `$admins`.
   */
  markReplayedBefore(sequence: bigint): void {
    const metadata = `{"$tb":${sequence.toString()},"$acl":{"$r":"$admins","$w":"$admins","$d":"$admins","$mr":"$admins","$mw":"$admins"}}`;
    this.store.append(metastreamOf(this.stream), { kind: 'any' }, [
      {
        eventId: randomUUID(),
        eventType: '$metadata',
        isJson: true,
        data: new TextEncoder().encode(metadata),
        metadata: new Uint8Array(0),
      },
    ]);
    this.lastTruncateBefore = sequence;
  }

  /** Deleting a group soft-deletes its parked stream, expecting any version. */
  delete(): void {
    this.store.softDelete(this.stream, { kind: 'any' });
  }
}
