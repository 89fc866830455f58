/*
 * How far the transaction-log position moves for each record a KurrentDB / EventStoreDB 24.10 node writes
 * (log format V2, the default). Derived by reading the 24.10.0 server sources; written here in our own words.
 *
 * Framing (TransactionLog/Chunks/TFChunk/TFChunk.cs TryAppend, LogRecords/LogRecord.cs GetNextLogPosition):
 *   every record is stored as int32 length + record bytes + the same int32 length again, so the next record
 *   starts at position + 4 + recordBytes + 4. Positions are logical: the 128-byte chunk header/footer are not
 *   counted. A chunk holds 256 MiB (TFConsts.cs); a record, or the whole group of records of one append,
 *   that would not fit in what is left of the chunk goes to the start of the next chunk instead
 *   (StorageWriterService.cs TryWritePreparesWithRetry / WritePrepareWithRetry, TFChunkWriter.cs).
 *
 * Common header (LogRecord.cs WriteTo): record type (1 byte), record version (1 byte), log position (int64).
 *
 * Prepare record, version 1 (LogRecords/PrepareLogRecord.cs WriteTo and SizeOnDisk; LogV2/LogV2RecordFactory.cs
 * always builds version 1):
 *   header 10 | flags uint16 2 | transaction position int64 8 | transaction offset int32 4 |
 *   expected version int64 8 (int32 only in the old version 0) | stream name as a .NET BinaryWriter string |
 *   event id 16 | correlation id 16 | timestamp ticks int64 8 | event type as a BinaryWriter string |
 *   data length int32 4 | data bytes | metadata length int32 4 | metadata bytes.
 *   With the framing: 88 + str(stream) + str(eventType) + data + metadata bytes.
 *   A BinaryWriter string is a 7-bit-encoded (LEB128-style) byte count followed by the UTF-8 bytes, so
 *   str(n) = n + 1 for n < 128, n + 2 for n < 16384, n + 3 for n < 2^21, ...
 *   Flags, offsets, ids, expected version and timestamp are all fixed-width, so the event's index inside a
 *   multi-event append, its JSON flag and its ids do not change the size.
 *
 * How a gRPC Append is written (Services/Storage/StorageWriterService.cs, handler of StorageMessage.WritePrepares):
 *   one prepare per event and no commit record. Every prepare carries Data | IsCommitted (plus IsJson when the
 *   content type is JSON); the first also TransactionBegin, the last also TransactionEnd. All prepares share the
 *   transaction position of the first one and carry their index as transaction offset. The group is written
 *   in one go, back to back. An append with no events still writes one prepare (TransactionBegin |
 *   TransactionEnd | IsCommitted, empty event type, no data). When read from $all a self-committed prepare
 *   reports commit = prepare = its own log position (Services/Storage/ReaderIndex/AllReader.cs); the Append
 *   response reports the position of the last prepare of the group for both (Services/Storage/StorageChaser.cs
 *   publishes the commit ack with the TransactionEnd prepare's position; RequestManager/Managers/WriteEvents.cs).
 *
 * Deletes (same handler file, StorageMessage.WriteDelete) are ordinary prepares too:
 *   tombstone (hard delete): stream = the stream, type "$streamDeleted", no data, no metadata, flags
 *   StreamDelete | TransactionBegin | TransactionEnd | IsCommitted.
 *   soft delete: stream = "$$" + stream, type "$metadata", JSON data {"$tb":9223372036854775807} (no spaces,
 *   written by Data/StreamMetadata.cs ToJsonBytes), no metadata, flags Data | Begin | End | IsCommitted | IsJson.
 *   Setting stream metadata over gRPC is an ordinary append of a "$metadata" event to "$$" + stream.
 *
 * System record, version 0 (LogRecords/SystemLogRecord.cs, used for epochs):
 *   header 10 | timestamp ticks int64 8 | system record type 1 | serialization 1 | reserved int64 8 |
 *   data length int32 4 | data bytes. With the framing: 40 + data bytes.
 *
 * Commit record (LogRecords/CommitLogRecord.cs) is never written for gRPC appends or deletes in 24.10; it only
 * appears for the legacy explicit-transaction TCP API, so it has no size function here.
 */

/** Logical bytes per chunk (TFConsts.ChunkSize, 256 MiB). */
export const CHUNK_SIZE = 256 * 1024 * 1024;

/** Fixed part of a version-1 prepare record including the framing; see the layout above. */
const PREPARE_FIXED_BYTES = 88;

/** Fixed part of a version-0 system (epoch) record including the framing. */
const SYSTEM_RECORD_FIXED_BYTES = 40;

/** Number of bytes the 7-bit length prefix of a .NET BinaryWriter string takes for a given UTF-8 byte count. */
export function sevenBitLengthBytes(byteCount: number): number {
  if (!Number.isInteger(byteCount) || byteCount < 0) {
    throw new RangeError(`byte count must be a non-negative integer, got ${byteCount}`);
  }
  let bytes = 1;
  let rest = byteCount >>> 7;
  while (rest > 0) {
    bytes += 1;
    rest >>>= 7;
  }
  return bytes;
}

/** On-disk size of a string written by .NET BinaryWriter.Write(string): length prefix + UTF-8 bytes. */
export function dotnetStringSize(value: string): number {
  const byteCount = Buffer.byteLength(value, 'utf8');
  return sevenBitLengthBytes(byteCount) + byteCount;
}

export interface PrepareRecordInput {
  /** Stream the prepare is written to (UTF-8). */
  streamName: string;
  /** Event type (UTF-8); empty for the record an empty append writes. */
  eventType: string;
  /** Length of the data bytes. */
  dataLength: number;
  /** Length of the metadata bytes. */
  metadataLength: number;
}

function checkLength(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Bytes by which the log position advances for one prepare record (one event written through gRPC Append, a
 * tombstone, a soft-delete metadata event or a system-written event), framing included.
 */
export function prepareRecordSize(input: PrepareRecordInput): number {
  checkLength('dataLength', input.dataLength);
  checkLength('metadataLength', input.metadataLength);
  return (
    PREPARE_FIXED_BYTES +
    dotnetStringSize(input.streamName) +
    dotnetStringSize(input.eventType) +
    input.dataLength +
    input.metadataLength
  );
}

/** Size of a system log record (the epoch record) whose payload has the given length. */
export function systemRecordSize(dataLength: number): number {
  checkLength('dataLength', dataLength);
  return SYSTEM_RECORD_FIXED_BYTES + dataLength;
}

/**
 * Where a group of records written together (all prepares of one append, or a single record) starts, given
 * the writer position and the group's total size: at the writer position if the group fits in the rest of the
 * current chunk, otherwise at the start of the next chunk.
 */
export function groupStartPosition(
  writerPosition: number,
  totalSize: number,
  chunkSize = CHUNK_SIZE,
): number {
  checkLength('writerPosition', writerPosition);
  checkLength('totalSize', totalSize);
  if (totalSize > chunkSize) {
    throw new RangeError(`a write of ${totalSize} bytes cannot fit in a chunk of ${chunkSize} bytes`);
  }
  const offsetInChunk = writerPosition % chunkSize;
  if (offsetInChunk + totalSize <= chunkSize) {
    return writerPosition;
  }
  return writerPosition - offsetInChunk + chunkSize;
}
