import type { BatchAppendReq_Options } from '../../../generated/streams.js';
import { dotnetExceptions } from '../../server/dotnet-exception.js';

/** .NET ticks (100 ns) per millisecond and per second. */
const TICKS_PER_MS = 10_000n;
const TICKS_PER_SECOND = 10_000_000n;

/** `ClusterVNodeOptions.WriteTimeoutMs` default: the longest a batch may wait for `is_final` (§3.5). */
const SERVER_WRITE_TIMEOUT_MS = 2000;

/** `Duration.MaxSeconds` of Google.Protobuf: the bounds of a valid (normalized) Duration. */
const DURATION_MAX_SECONDS = 315_576_000_000n;
const NANOS_PER_SECOND = 1_000_000_000;

/** The .NET `DateTime` range, in milliseconds since the Unix epoch (0001-01-01 to 9999-12-31T23:59:59.999). */
const DATETIME_MIN_MS = -62_135_596_800_000;
const DATETIME_MAX_MS = 253_402_300_799_999;

/**
 * How long the server keeps a batch waiting for `is_final`, in .NET ticks: the requested timeout capped at the
 * server's write timeout (§3.5; Streams.BatchAppend.cs `GetRequestedTimeout` and `Min`). The requested value is
 * the `deadline` Duration, else `deadline_21_10_0` minus now, else unlimited. Zero or less means the batch times
 * out at once. A Duration or Timestamp .NET cannot convert throws, as `ToTimeSpan`/`ToDateTime` do.
 */
export function batchTimeoutTicks(options: BatchAppendReq_Options, nowMs: number = Date.now()): bigint {
  const serverLimit = BigInt(SERVER_WRITE_TIMEOUT_MS) * TICKS_PER_MS;
  const requested = requestedTicks(options, nowMs);
  return requested === undefined || requested > serverLimit ? serverLimit : requested;
}

/** Whole milliseconds of a positive timeout, truncated as `Task.Delay(TimeSpan)` does. */
export function timeoutMilliseconds(ticks: bigint): number {
  return Number(ticks / TICKS_PER_MS);
}

function requestedTicks(options: BatchAppendReq_Options, nowMs: number): bigint | undefined {
  const deadline = options.deadlineOption;
  switch (deadline?.$case) {
    case 'deadline': {
      const { seconds, nanos } = deadline.value;
      if (!isNormalizedDuration(seconds, nanos)) {
        throw dotnetExceptions.invalidOperation('Duration was not a valid normalized duration');
      }
      // Sub-tick nanoseconds are dropped, truncating towards zero (Duration.ToTimeSpan).
      return seconds * TICKS_PER_SECOND + BigInt(Math.trunc(nanos / 100));
    }
    case 'deadline21100': {
      const deadlineMs = deadline.value.getTime();
      if (!(deadlineMs >= DATETIME_MIN_MS && deadlineMs <= DATETIME_MAX_MS)) {
        // The generated code keeps the Timestamp as a Date, so the seconds/nanos are reconstructed from it.
        const seconds = Number.isNaN(deadlineMs) ? NaN : Math.floor(deadlineMs / 1000);
        const nanos = Number.isNaN(deadlineMs) ? NaN : (deadlineMs - seconds * 1000) * 1_000_000;
        throw dotnetExceptions.invalidOperation(
          `Timestamp contains invalid values: Seconds=${seconds}; Nanos=${nanos}`,
        );
      }
      return BigInt(deadlineMs - nowMs) * TICKS_PER_MS;
    }
    case undefined:
      // `DateTime.MaxValue - now`: far beyond the server's own limit.
      return undefined;
  }
}

function isNormalizedDuration(seconds: bigint, nanos: number): boolean {
  if (seconds < -DURATION_MAX_SECONDS || seconds > DURATION_MAX_SECONDS) return false;
  if (nanos <= -NANOS_PER_SECOND || nanos >= NANOS_PER_SECOND) return false;
  return !((seconds < 0n && nanos > 0) || (seconds > 0n && nanos < 0));
}
