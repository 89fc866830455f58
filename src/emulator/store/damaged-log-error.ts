import { describeIntact } from './log-scan.js';

/**
 * Thrown when a durable log is damaged before its end: intact writes follow the damage, so it is not the torn
 * tail a crash leaves, and opening the log as it is would silently drop acknowledged events. Start the node
 * with `truncateDamagedLog: true` (on the command line, `--truncate-damaged-log`) to cut the log at the damage
 * and drop what follows, or restore the file from a backup.
 */
export class DamagedLogError extends Error {
  override readonly name = 'DamagedLogError';

  constructor(
    /** The damaged log file. */
    readonly path: string,
    /** The byte offset in that file where the first damaged write starts. */
    readonly offset: number,
    /** Bytes from the damage to the end of the file: what cutting the log there drops. */
    readonly bytesAfter: number,
    /** Intact writes (appends, or system records) among those bytes. */
    readonly appendsAfter: number,
    /** Events in those intact writes. */
    readonly eventsAfter: number,
  ) {
    super(
      `The durable log ${path} is damaged at byte ${offset}: ${bytesAfter} bytes follow, holding ` +
        `${describeIntact(appendsAfter, eventsAfter)}. Restore it from a backup, or start with ` +
        `truncateDamagedLog: true (--truncate-damaged-log) to cut the log at byte ${offset} and drop them.`,
    );
  }
}
