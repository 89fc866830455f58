/**
 * The messages between the harness and a client process (Node IPC with the "advanced" serialization, so
 * bigints pass as they are), and what a client process measures.
 */
import type { ClientName, ScenarioId, ScenarioSizes } from './config.js';
import type { AllPosition } from './raw-requests.js';

/** One scenario run by one client, as the harness asks for it. */
export interface RunTask {
  readonly scenario: ScenarioId;
  readonly client: ClientName;
  /** The emulator's connection string (`esdb://host:port?tls=false`). */
  readonly uri: string;
  /** The emulator's `host:port`. */
  readonly address: string;
  /** The emulator's process id: the client process reads its CPU time just before and after measuring. */
  readonly emulatorPid: number;
  readonly sizes: ScenarioSizes;
  /** A prefix that makes the streams this run writes its own. */
  readonly runId: string;
  /** The seeded stream the run reads (scenarios 4 and 7, memory). */
  readonly stream?: string;
  /**
   * Scenario 6: the subscription starts after this position, the last one before the seeded events; from the
   * start of `$all` when there was none.
   */
  readonly after?: AllPosition;
}

/** Harness → client process. */
export interface RunMessage {
  readonly type: 'run';
  readonly task: RunTask;
}

/** What was measured over one interval of a run. */
export interface Interval {
  /** Wall time, milliseconds. */
  readonly wallMs: number;
  /** CPU time of the client process, user + system, all its threads (`process.cpuUsage()`), milliseconds. */
  readonly cpuMs: number;
  /** CPU time of the emulator process over the same interval (`/proc/<pid>/stat`), or null without `/proc`. */
  readonly emulatorCpuMs: number | null;
  /**
   * CPU time of every other process over the same interval (the machine's busy time in `/proc/stat` less the
   * client's and the emulator's): the harness itself (scenario 6's writer), and anything else running on the
   * machine, which makes the figures less trustworthy. Null without `/proc`.
   */
  readonly otherCpuMs: number | null;
  /** Events appended or received in the interval. */
  readonly events: number;
}

/** A run that completed. */
export interface RunOk {
  readonly status: 'ok';
  /** The measured interval: the whole scenario, after connecting. */
  readonly total: Interval;
  /**
   * The interval that gives the scenario's events/s and CPU per event: the whole run, except in scenario 6
   * where it is the catch-up (the live phase is paced by the harness's writer).
   */
  readonly headline: Interval;
  /** Peak resident set size of the client process (`process.resourceUsage().maxRSS`), MB. */
  readonly peakRssMb: number;
  /** Bytes of event data the consumer touched (a check that the events were really delivered). */
  readonly dataBytes: number;
  /** Scenarios 1 and 8: latency of each append; 10: of each round trip. p50 and p99, milliseconds. */
  readonly latencyMs?: { readonly p50: number; readonly p99: number };
  /** Scenario 6: the live phase (from caught up to the last live event). */
  readonly live?: Interval;
  /** Memory scenario: the client's RSS (MB) at each tenth of the read. */
  readonly rssTraceMb?: readonly number[];
}

/** A run the client cannot do (yet). */
export interface RunNotApplicable {
  readonly status: 'n/a';
  readonly reason: string;
}

/** A run that failed. */
export interface RunFailed {
  readonly status: 'error';
  readonly message: string;
}

export type RunOutcome = RunOk | RunNotApplicable | RunFailed;

/** Client process → harness. */
export type WorkerMessage =
  { readonly type: 'caught-up' } | { readonly type: 'outcome'; readonly outcome: RunOutcome };
