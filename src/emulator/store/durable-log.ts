import {
  closeSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { DamagedLogError } from './damaged-log-error.js';
import { encodeUnit, type LogEntry } from './log-frame.js';
import { describeIntact, type LogDamage, scanLog } from './log-scan.js';

/** What opening a log that does not end with a whole write does. */
export interface DurableLogOpenOptions {
  /** Cut a log damaged before its end at the damage (with a warning) instead of refusing it. Default false. */
  readonly truncateDamagedLog?: boolean;
  /** Told what was cut from the log, in a sentence. */
  readonly warn: (message: string) => void;
}

/**
 * The durable mode's log file. Every write is one frame (log-frame.ts), on disk (written and `fdatasync`ed)
 * before the call returns, and the store calls it before it acknowledges anything, so a `kill -9` loses no
 * acknowledged event and an append comes back whole or not at all. On open, a write torn by a crash (bad bytes
 * at the end) was never acknowledged and is cut off with a warning; bad bytes followed by intact writes are
 * refused with a {@link DamagedLogError}, unless `truncateDamagedLog` says to cut them too.
 */
export class DurableLog {
  private constructor(
    private readonly fd: number,
    /** Bytes of whole writes in the file. */
    private length: number,
  ) {}

  /** Opens (or creates) the log in `directory` and returns it with the entries it already holds. */
  static open(directory: string, options: DurableLogOpenOptions): { log: DurableLog; entries: LogEntry[] } {
    mkdirSync(directory, { recursive: true });
    const path = join(directory, 'events.log');
    const fd = openSync(path, 'a+');
    const { entries, validLength, damage } = scanLog(readFileSync(path));
    if (damage !== undefined) {
      if (damage.kind === 'middle' && options.truncateDamagedLog !== true) {
        closeSync(fd);
        throw new DamagedLogError(path, damage.offset, damage.bytes, damage.appendsAfter, damage.eventsAfter);
      }
      options.warn(describeCut(path, damage));
      ftruncateSync(fd, validLength);
      fdatasyncSync(fd);
    }
    return { log: new DurableLog(fd, validLength), entries };
  }

  /** Writes `entries` as one unit: after a crash they are all in the log or none is. */
  append(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    const frame = encodeUnit(entries);
    try {
      // A write to a file may take fewer bytes than given: the rest follows, or an error (a full disk) does.
      for (let written = 0; written < frame.length;) written += writeSync(this.fd, frame, written);
      fdatasyncSync(this.fd);
    } catch (error) {
      // The part that got there must not sit in front of the next write, where it would read as damage.
      ftruncateSync(this.fd, this.length);
      throw error;
    }
    this.length += frame.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function describeCut(path: string, damage: LogDamage): string {
  if (damage.kind === 'tail') {
    return (
      `${path}: cut ${damage.bytes} bytes at byte ${damage.offset}, after the last whole write: a write torn ` +
      'by a crash, never acknowledged.'
    );
  }
  return (
    `${path}: damaged at byte ${damage.offset}; truncateDamagedLog cut the log there, dropping ${damage.bytes} ` +
    `bytes that held ${describeIntact(damage.appendsAfter, damage.eventsAfter)}.`
  );
}
