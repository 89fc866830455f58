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

/**
 * The last epoch a log holds, read from its last `$epoch-information` event (the epoch record's own JSON, where
 * a zero number or position is left out); epoch 0 at position 0 when it holds none.
 */
export function lastEpochIn(store: EventStore): Epoch {
  const records = store.log;
  for (let index = records.length - 1; index >= 0; index--) {
    const record = records[index];
    if (record?.streamName !== EPOCH_INFORMATION_STREAM) continue;
    const epoch = epochOf(record.data);
    if (epoch !== undefined) return epoch;
  }
  return FIRST_EPOCH;
}

/** The epoch an `$epoch-information` event describes; undefined if its data is not such JSON (an admin can
 * write anything to the stream). */
function epochOf(data: Uint8Array): Epoch | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { epochNumber = 0, epochPosition = 0 } = json as { epochNumber?: unknown; epochPosition?: unknown };
  if (!Number.isSafeInteger(epochNumber) || !Number.isSafeInteger(epochPosition)) return undefined;
  return { number: epochNumber as number, position: BigInt(epochPosition as number) };
}
