/**
 * The targets of issues 6 and 11, checked against a run's summaries. They are reported (in `latest.json` and
 * the report's table), never asserted: a benchmark is not a test.
 */
import type { ClientName, ScenarioId } from './config.js';
import type { ClientFigures, ScenarioSummary } from './summary.js';

/** One target: met, missed, or not measurable in this run (null), with the figures that decided it. */
export interface TargetCheck {
  readonly target: string;
  readonly met: boolean | null;
  readonly detail: string;
}

const READ_SCENARIOS: readonly ScenarioId[] = ['s4-read-stream', 's5-read-all', 's6-catch-up-subscription'];
/** Issue 11: appends by many callers at once, at least 1.5 times the official client's events/s. */
const CONCURRENT_APPEND_SCENARIOS: readonly ScenarioId[] = [
  's2-batch-appends',
  's3-concurrent-appends',
  's8-concurrent-writers',
];
/** Issue 11: client CPU per append no more than the official client's. */
const APPEND_CPU_SCENARIOS: readonly ScenarioId[] = ['s1-sequential-appends', ...CONCURRENT_APPEND_SCENARIOS];
const MEMORY_LIMIT_MB = 150;

function figures(
  summaries: readonly ScenarioSummary[],
  scenario: ScenarioId,
  client: ClientName,
): ClientFigures | undefined {
  return summaries
    .find((summary) => summary.scenario === scenario)
    ?.clients.find((entry) => entry.client === client)?.figures;
}

const x = (value: number): string => `${value.toFixed(2)}×`;
const NOT_MEASURED = 'not measured in this run';

/** Compares one figure of ours with the official client's: `ours / official` must be ≥ or ≤ `factor`. */
function againstOfficial(
  summaries: readonly ScenarioSummary[],
  scenario: ScenarioId,
  target: string,
  compare: {
    readonly pick: (f: ClientFigures) => number | undefined;
    readonly at: 'least' | 'most';
    readonly factor: number;
    /** The figure with its unit, for the detail. */
    readonly show: (value: number) => string;
  },
): TargetCheck {
  const ours = figures(summaries, scenario, 'ours');
  const official = figures(summaries, scenario, 'official');
  const mine = ours === undefined ? undefined : compare.pick(ours);
  const theirs = official === undefined ? undefined : compare.pick(official);
  if (mine === undefined || theirs === undefined) return { target, met: null, detail: NOT_MEASURED };
  const ratio = mine / theirs;
  const met = compare.at === 'least' ? ratio >= compare.factor : ratio <= compare.factor;
  const { show } = compare;
  return { target, met, detail: `ours ${show(mine)}, official ${show(theirs)}: ours/official = ${x(ratio)}` };
}

function speedTarget(
  summaries: readonly ScenarioSummary[],
  scenario: ScenarioId,
  factor: number,
): TargetCheck {
  return againstOfficial(
    summaries,
    scenario,
    `${scenario}: events/s ≥ ${factor.toFixed(1)}× the official client's`,
    {
      pick: (f) => f.eventsPerSecond,
      at: 'least',
      factor,
      show: (value) => `${Math.round(value).toLocaleString('en-US')} events/s`,
    },
  );
}

function latencyTarget(summaries: readonly ScenarioSummary[], scenario: ScenarioId): TargetCheck {
  return againstOfficial(summaries, scenario, `${scenario}: p50 latency ≤ the official client's`, {
    pick: (f) => f.latencyP50Ms,
    at: 'most',
    factor: 1,
    show: (value) => `${value.toFixed(3)} ms`,
  });
}

function appendCpuTarget(summaries: readonly ScenarioSummary[], scenario: ScenarioId): TargetCheck {
  return againstOfficial(summaries, scenario, `${scenario}: client CPU per append ≤ the official client's`, {
    pick: (f) => f.cpuUsPerEvent,
    at: 'most',
    factor: 1,
    show: (value) => `${value.toFixed(2)} µs/event`,
  });
}

function floorTarget(summaries: readonly ScenarioSummary[], scenario: ScenarioId): TargetCheck {
  const target = `${scenario}: client CPU per event ≤ 1.5× the raw floor's (scenario 7)`;
  const ours = figures(summaries, scenario, 'ours');
  const floor = figures(summaries, 's7-floor-read-stream', 'floor');
  if (ours === undefined || floor === undefined) return { target, met: null, detail: NOT_MEASURED };
  const ratio = ours.cpuUsPerEvent / floor.cpuUsPerEvent;
  return {
    target,
    met: ratio <= 1.5,
    detail: `${ours.cpuUsPerEvent.toFixed(2)} µs vs ${floor.cpuUsPerEvent.toFixed(2)} µs per event = ${x(ratio)}`,
  };
}

function memoryTarget(summaries: readonly ScenarioSummary[]): TargetCheck {
  const target = `memory: peak RSS of our client < ${MEMORY_LIMIT_MB} MB`;
  const ours = figures(summaries, 'memory', 'ours');
  if (ours === undefined) return { target, met: null, detail: NOT_MEASURED };
  const trace = ours.rssTraceMb ?? [];
  const flat =
    trace.length > 1 ? `; RSS over the read ${trace.map((mb) => mb.toFixed(0)).join(' → ')} MB` : '';
  return {
    target,
    met: ours.peakRssMb < MEMORY_LIMIT_MB,
    detail: `peak ${ours.peakRssMb.toFixed(1)} MB${flat}`,
  };
}

/**
 * Every target: issue 11's on appends (sequential at least as fast and as quick at p50, concurrent 1.5 times as
 * fast, no more CPU per append) and reads (twice as fast), then issue 6's that still stand (reads near the raw
 * floor's CPU, flat memory). Scenario 2's 1.5× is in both issues and listed once.
 */
export function checkTargets(summaries: readonly ScenarioSummary[]): TargetCheck[] {
  return [
    speedTarget(summaries, 's1-sequential-appends', 1),
    latencyTarget(summaries, 's1-sequential-appends'),
    ...CONCURRENT_APPEND_SCENARIOS.map((scenario) => speedTarget(summaries, scenario, 1.5)),
    ...APPEND_CPU_SCENARIOS.map((scenario) => appendCpuTarget(summaries, scenario)),
    ...READ_SCENARIOS.map((scenario) => speedTarget(summaries, scenario, 2)),
    ...READ_SCENARIOS.map((scenario) => floorTarget(summaries, scenario)),
    memoryTarget(summaries),
  ];
}
