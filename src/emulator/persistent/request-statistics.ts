/** One measurement of a consumer's extra statistics (SubscriptionInfo.Measurement). */
export interface Measurement {
  readonly key: string;
  readonly value: bigint;
}

/** Round-trip times the server keeps per consumer when a group has `extra_statistics` (RequestStatistics.cs). */
export class RequestStatistics {
  private readonly started = new Map<string, bigint>();
  private readonly measurements: bigint[] = [];

  constructor(private readonly windowSize: number) {}

  start(eventId: string): void {
    this.started.set(eventId, process.hrtime.bigint());
  }

  end(eventId: string): void {
    const start = this.started.get(eventId);
    if (start === undefined) return;
    this.started.delete(eventId);
    // The server divides Stopwatch ticks (nanoseconds on Linux) by TimeSpan ticks per millisecond (10 000).
    const value = (process.hrtime.bigint() - start) / 10_000n;
    if (this.measurements.length >= this.windowSize) this.measurements.shift();
    this.measurements.push(value);
  }

  /** Mean, median, fastest, quintiles, high percentiles and highest, in the server's order. */
  details(): Measurement[] {
    if (this.measurements.length === 0) return [];
    const items = [...this.measurements].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Percentiles in tenths, so that the index is computed exactly, as the server's decimal arithmetic does.
    const at = (tenths: number): bigint => {
      let index = Math.trunc((tenths * items.length) / 1000);
      if (index === items.length) index -= 1;
      return items[index] ?? 0n;
    };
    const sum = items.reduce((total, item) => total + item, 0n);
    const result: Measurement[] = [
      { key: 'Mean', value: sum / BigInt(items.length) },
      { key: 'Median', value: items[Math.trunc(items.length / 2)] ?? 0n },
      { key: 'Fastest', value: items[0] ?? 0n },
    ];
    for (let quintile = 0; quintile < 5; quintile += 1) {
      result.push({ key: `Quintile ${quintile + 1}`, value: at(quintile * 200) });
    }
    for (const [key, percentile] of [
      ['90%', 900],
      ['95%', 950],
      ['99%', 990],
      ['99.5%', 995],
      ['99.9%', 999],
    ] as const) {
      result.push({ key, value: at(percentile) });
    }
    result.push({ key: 'Highest', value: items.at(-1) ?? 0n });
    return result;
  }
}
