/**
 * Expected record sizes for the emulator's tests, computed from the prepare-record layout
 * (`prepareRecordSize`) and the exact records the server writes for deletes and empty appends (docs/protocol.md
 * §3.12, §3.13): an oracle independent of how the store sizes the records it actually writes.
 */
import { prepareRecordSize } from '../../src/emulator/log/record-size.js';
import { startupRecords, type StartupOptions } from '../../src/emulator/log/startup-records.js';

/** Size of the tombstone prepare a hard delete (Streams.Tombstone) writes: a `$streamDeleted` event. */
export function tombstoneRecordSize(streamName: string): number {
  return prepareRecordSize({ streamName, eventType: '$streamDeleted', dataLength: 0, metadataLength: 0 });
}

/** Size of the `$metadata` prepare a soft delete (Streams.Delete) writes to `$$` + stream: `$tb` = long.MaxValue. */
export function softDeleteRecordSize(streamName: string): number {
  return prepareRecordSize({
    streamName: `$$${streamName}`,
    eventType: '$metadata',
    dataLength: Buffer.byteLength('{"$tb":9223372036854775807}', 'utf8'),
    metadataLength: 0,
  });
}

/** Size of the single event-less prepare an Append with zero events writes. */
export function emptyAppendRecordSize(streamName: string): number {
  return prepareRecordSize({ streamName, eventType: '', dataLength: 0, metadataLength: 0 });
}

/** Log position right after the start-up records: where the first client-written event lands. */
export function firstUserEventPosition(options: StartupOptions): number {
  return startupRecords(options).reduce((position, record) => position + record.size, 0);
}
