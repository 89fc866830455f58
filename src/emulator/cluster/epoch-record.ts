import { randomInt, randomUUID } from 'node:crypto';
import { systemRecordSize } from '../log/record-size.js';
import { epochRecordJson, formatNewtonsoftUtc } from '../log/newtonsoft-json.js';
import { EPOCH_INFORMATION_EVENT_TYPE, EPOCH_INFORMATION_STREAM } from '../log/startup-records.js';
import type { EventStore } from '../store/event-store.js';

/** The latest epoch in the log: its number and the position of its record. */
export interface Epoch {
  readonly number: number;
  readonly position: bigint;
}

/** Epoch 0, which the first leader wrote at position 0 (startup-records.ts). */
export const FIRST_EPOCH: Epoch = { number: 0, position: 0n };

/**
 * Writes the epoch a new leader starts, as the first leader wrote epoch 0 (startup-records.ts, from
 * EpochManager.cs `WriteNewEpoch`): the epoch system record, which takes log space but is no event, then the same
 * JSON as a `$epoch-information` event. The number is one more than the last epoch's (the server takes the
 * election's proposal number, which is at least that), the previous epoch's position is linked, and the new
 * leader's instance id is recorded.
 */
export function writeEpoch(store: EventStore, previous: Epoch, leaderInstanceId: string, time: Date): Epoch {
  const position = store.headPosition;
  const number = previous.number + 1;
  // A real clock has 100-ns resolution: seven fractional digits, the last one nearly never zero.
  const subMillisecondTicks = randomInt(1000) * 10 + 1 + randomInt(9);
  const json = epochRecordJson({
    epochPosition: Number(position),
    epochNumber: number,
    epochId: randomUUID(),
    prevEpochPosition: Number(previous.position),
    timeStamp: formatNewtonsoftUtc(time, subMillisecondTicks),
    leaderInstanceId,
  });
  const data = new Uint8Array(Buffer.from(json, 'utf8'));
  store.skipBytes(systemRecordSize(data.length));
  store.append(EPOCH_INFORMATION_STREAM, { kind: 'any' }, [
    {
      eventId: randomUUID(),
      eventType: EPOCH_INFORMATION_EVENT_TYPE,
      isJson: true,
      data,
      metadata: new Uint8Array(0),
    },
  ]);
  return { number, position };
}
