/**
 * The settings of a group as the server keeps them (PersistentSubscriptionParams.cs). The server applies no
 * defaults (§3.14): every number is what the request carried, 0 included.
 */
export interface GroupSettings {
  readonly resolveLinkTos: boolean;
  readonly extraStatistics: boolean;
  /** 0 makes every message time out at the next clock tick. */
  readonly messageTimeoutMs: number;
  readonly maxRetryCount: number;
  readonly liveBufferSize: number;
  /** The history buffer (`BufferSize` in the server). */
  readonly historyBufferSize: number;
  readonly readBatchSize: number;
  /** 0 means never checkpoint on time (`ToCheckPointAfterTimeout` gives TimeSpan.MaxValue). */
  readonly checkPointAfterMs: number;
  readonly minCheckPointCount: number;
  readonly maxCheckPointCount: number;
  /** 0 means unlimited. */
  readonly maxSubscriberCount: number;
  readonly consumerStrategy: string;
}

/**
 * `(int)TimeSpan.FromTicks(ticks).TotalMilliseconds`, the conversion the handlers apply to `*_ticks`
 * (PersistentSubscriptions.Create.cs). Out-of-range doubles convert to int.MinValue on the x64 .NET 8 runtime
 * of a 24.10 server.
 */
export function ticksToMilliseconds(ticks: bigint): number {
  return doubleToInt32(Number(ticks) / 10_000);
}

/** A C# `(int)` cast of a double, as .NET 8 on x64 performs it. */
export function doubleToInt32(value: number): number {
  if (!Number.isFinite(value) || value >= 2 ** 31 || value <= -(2 ** 31) - 1) return -(2 ** 31);
  return Math.trunc(value);
}

/** The checkpoint-after interval the group waits between time-based checkpoints. */
export function checkPointAfterInterval(settings: GroupSettings): number {
  return settings.checkPointAfterMs === 0 ? Number.POSITIVE_INFINITY : settings.checkPointAfterMs;
}

/**
 * What GetInfo reports for the checkpoint-after interval: `(int)TimeSpan.TotalMilliseconds`, so "never"
 * (TimeSpan.MaxValue) shows as int.MinValue on a 24.10 server (PersistentSubscriptionStats.cs).
 */
export function reportedCheckPointAfter(settings: GroupSettings): number {
  return settings.checkPointAfterMs === 0 ? -(2 ** 31) : settings.checkPointAfterMs;
}
