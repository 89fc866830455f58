/**
 * From the runs to the figures of the report: per scenario and client, the median of each measure over the
 * rounds, the ratio ours/official, and which process was the bottleneck.
 */
import type { ClientName, ScenarioId } from './config.js';
import type { Interval, RunOk, RunOutcome } from './protocol.js';
import { median } from './stats.js';

/** One run of one scenario by one client. */
export interface RunRecord {
  readonly scenario: ScenarioId;
  readonly client: ClientName;
  readonly round: number;
  readonly outcome: RunOutcome;
}

/** A process is taken to be saturated at this share of one core. */
export const SATURATED = 0.8;

/** Medians over the successful runs of one client in one scenario. */
export interface ClientFigures {
  readonly runs: number;
  /** Events per second over the headline interval (scenario 6: the catch-up). */
  readonly eventsPerSecond: number;
  /** Wall time of the whole measured run, ms. */
  readonly wallMs: number;
  /** Client CPU time (user + system) over the whole measured run, ms. */
  readonly cpuMs: number;
  /** Client CPU per event over the headline interval, microseconds. */
  readonly cpuUsPerEvent: number;
  /** Peak RSS of the client process, MB. */
  readonly peakRssMb: number;
  /** Emulator CPU over the whole measured run, ms (null without /proc). */
  readonly emulatorCpuMs: number | null;
  /** Client CPU / wall time over the headline interval (1 = one core busy all the time). */
  readonly clientCpuShare: number;
  /** Emulator CPU / wall time over the headline interval. */
  readonly emulatorCpuShare: number | null;
  /** CPU of all other processes / wall time over the headline interval (interference; null without /proc). */
  readonly otherCpuShare: number | null;
  readonly bottleneck: string;
  /** MiB of event data appended or received per second over the whole measured run. */
  readonly dataMiBPerSecond: number;
  /** Scenarios 1 and 8: latency of one append; 10: of one append-then-read round trip (median over runs), ms. */
  readonly latencyP50Ms?: number;
  readonly latencyP99Ms?: number;
  /** Scenario 6: time from subscribing to receiving the last historical event, ms. */
  readonly caughtUpMs?: number;
  /** Scenario 6: live events per second (paced by the harness's writer). */
  readonly liveEventsPerSecond?: number;
  /** Memory scenario: RSS at each tenth of the read, from the run with the median peak RSS, MB. */
  readonly rssTraceMb?: readonly number[];
}

/** One client in one scenario: figures, or why there are none. */
export interface ClientSummary {
  readonly client: ClientName;
  readonly status: 'ok' | 'n/a' | 'error';
  /** Why the client has no figures, or what went wrong in some runs. */
  readonly note?: string;
  readonly figures?: ClientFigures;
}

/**
 * Ratios ours/official of the medians (events/s above 1: ours faster; CPU and RSS below 1: ours lighter;
 * latencies below 1: ours quicker).
 */
export interface Ratios {
  readonly eventsPerSecond: number;
  readonly cpuUsPerEvent: number;
  readonly peakRssMb: number;
  /** When the scenario measures latency. */
  readonly latencyP50?: number;
  readonly latencyP99?: number;
}

export interface ScenarioSummary {
  readonly scenario: ScenarioId;
  readonly title: string;
  readonly clients: readonly ClientSummary[];
  readonly ratios: Ratios | null;
}

const MIB = 2 ** 20;

function rate(interval: Interval): number {
  return interval.wallMs > 0 ? (interval.events * 1000) / interval.wallMs : Number.NaN;
}

/**
 * Names the bottleneck from the CPU shares: a process using most of a core is the limit (the busier one if
 * both are); when neither is, the time went in waiting on each other through the loopback network and the
 * HTTP/2 stacks, i.e. round trips.
 */
export function bottleneckOf(clientShare: number, emulatorShare: number | null): string {
  const client = `client ${Math.round(clientShare * 100)}%`;
  if (emulatorShare === null) {
    return clientShare >= SATURATED ? `client CPU (${client})` : `unknown (${client}; no /proc)`;
  }
  const emulator = `emulator ${Math.round(emulatorShare * 100)}%`;
  if (emulatorShare >= SATURATED && emulatorShare >= clientShare)
    return `emulator CPU (${emulator}, ${client})`;
  if (clientShare >= SATURATED) return `client CPU (${client}, ${emulator})`;
  return `network stack / round trips (${client}, ${emulator})`;
}

function figuresOf(runs: readonly RunOk[]): ClientFigures {
  const med = (pick: (run: RunOk) => number): number => median(runs.map(pick));
  const clientCpuShare = med((run) => run.headline.cpuMs / run.headline.wallMs);
  const emulatorShares = runs.flatMap((run) =>
    run.headline.emulatorCpuMs === null ? [] : [run.headline.emulatorCpuMs / run.headline.wallMs],
  );
  const emulatorCpus = runs.flatMap((run) =>
    run.total.emulatorCpuMs === null ? [] : [run.total.emulatorCpuMs],
  );
  const emulatorCpuShare = emulatorShares.length === runs.length ? median(emulatorShares) : null;
  const otherShares = runs.flatMap((run) =>
    run.headline.otherCpuMs === null ? [] : [run.headline.otherCpuMs / run.headline.wallMs],
  );
  const byRss = [...runs].sort((a, b) => a.peakRssMb - b.peakRssMb);
  const medianRssRun = byRss[Math.floor((byRss.length - 1) / 2)];
  const latencies = runs.flatMap((run) => (run.latencyMs === undefined ? [] : [run.latencyMs]));
  const lives = runs.flatMap((run) => (run.live === undefined ? [] : [run.live]));
  return {
    runs: runs.length,
    eventsPerSecond: med((run) => rate(run.headline)),
    wallMs: med((run) => run.total.wallMs),
    cpuMs: med((run) => run.total.cpuMs),
    cpuUsPerEvent: med((run) => (run.headline.cpuMs * 1000) / run.headline.events),
    peakRssMb: med((run) => run.peakRssMb),
    emulatorCpuMs: emulatorCpus.length === runs.length ? median(emulatorCpus) : null,
    clientCpuShare,
    emulatorCpuShare,
    otherCpuShare: otherShares.length === runs.length ? median(otherShares) : null,
    bottleneck: bottleneckOf(clientCpuShare, emulatorCpuShare),
    dataMiBPerSecond: med((run) => (run.dataBytes * 1000) / run.total.wallMs / MIB),
    ...(latencies.length > 0 && {
      latencyP50Ms: median(latencies.map((latency) => latency.p50)),
      latencyP99Ms: median(latencies.map((latency) => latency.p99)),
    }),
    ...(lives.length > 0 && {
      caughtUpMs: med((run) => run.headline.wallMs),
      liveEventsPerSecond: median(lives.map(rate)),
    }),
    ...(medianRssRun?.rssTraceMb !== undefined && { rssTraceMb: medianRssRun.rssTraceMb }),
  };
}

/** The summary of one client's runs of one scenario. */
export function summariseClient(client: ClientName, outcomes: readonly RunOutcome[]): ClientSummary {
  const ok = outcomes.filter((outcome): outcome is RunOk => outcome.status === 'ok');
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'error' ? [outcome.message] : []));
  const reasons = outcomes.flatMap((outcome) => (outcome.status === 'n/a' ? [outcome.reason] : []));
  if (ok.length > 0) {
    const note =
      failures.length > 0
        ? `${failures.length} of ${outcomes.length} runs failed: ${failures[0] ?? ''}`
        : undefined;
    return { client, status: 'ok', figures: figuresOf(ok), ...(note !== undefined && { note }) };
  }
  if (reasons.length > 0) return { client, status: 'n/a', note: reasons[0] ?? '' };
  return { client, status: 'error', note: failures[0] ?? 'no runs' };
}

/** The ratios ours/official, when both have figures. */
export function ratiosOf(clients: readonly ClientSummary[]): Ratios | null {
  const ours = clients.find((summary) => summary.client === 'ours')?.figures;
  const official = clients.find((summary) => summary.client === 'official')?.figures;
  if (ours === undefined || official === undefined) return null;
  return {
    eventsPerSecond: ours.eventsPerSecond / official.eventsPerSecond,
    cpuUsPerEvent: ours.cpuUsPerEvent / official.cpuUsPerEvent,
    peakRssMb: ours.peakRssMb / official.peakRssMb,
    ...(ours.latencyP50Ms !== undefined &&
      official.latencyP50Ms !== undefined && {
        latencyP50: ours.latencyP50Ms / official.latencyP50Ms,
      }),
    ...(ours.latencyP99Ms !== undefined &&
      official.latencyP99Ms !== undefined && {
        latencyP99: ours.latencyP99Ms / official.latencyP99Ms,
      }),
  };
}
