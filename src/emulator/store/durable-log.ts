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
import { decodeFrames, encodeFrame, type LogEntry } from './log-frame.js';

/**
 * The durable mode's log file. Every write is on disk (written and `fdatasync`ed) before the call returns, and
 * the store calls it before it acknowledges anything, so a `kill -9` loses no acknowledged event. On open, a
 * frame torn by a crash is cut off: it was never acknowledged.
 */
export class DurableLog {
  private constructor(private readonly fd: number) {}

  /** Opens (or creates) the log in `directory` and returns it with the entries it already holds. */
  static open(directory: string): { log: DurableLog; entries: LogEntry[] } {
    mkdirSync(directory, { recursive: true });
    const path = join(directory, 'events.log');
    const fd = openSync(path, 'a+');
    const { entries, validLength } = decodeFrames(readFileSync(path));
    ftruncateSync(fd, validLength);
    return { log: new DurableLog(fd), entries };
  }

  append(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    writeSync(this.fd, Buffer.concat(entries.map(encodeFrame)));
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
