/** The targets of issue 6, checked against a run's summaries. */
import type { ClientName, ScenarioId } from './config.js';
import type { ClientFigures, ScenarioSummary } from './summary.js';

/** One target: met, missed, or not measurable in this run (null), with the figures that decided it. */
export interface TargetCheck {
  readonly target: string;
  readonly met: boolean | null;
  readonly detail: string;
}

const READ_SCENARIOS: readonly ScenarioId[] = ['s4-read-stream', 's5-read-all', 's6-catch-up-subscription'];
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

function speedTarget(
  summaries: readonly ScenarioSummary[],
  scenario: ScenarioId,
  factor: number,
): TargetCheck {
  const target = `${scenario}: events/s ≥ ${factor}× the official client's`;
  const ours = figures(summaries, scenario, 'ours');
  const official = figures(summaries, scenario, 'official');
  if (ours === undefined || official === undefined) {
    return { target, met: null, detail: 'not measured in this run' };
  }
  const ratio = ours.eventsPerSecond / official.eventsPerSecond;
  return { target, met: ratio >= factor, detail: `ours/official = ${x(ratio)}` };
}

function floorTarget(summaries: readonly ScenarioSummary[], scenario: ScenarioId): TargetCheck {
  const target = `${scenario}: client CPU per event ≤ 1.5× the raw floor's (scenario 7)`;
  const ours = figures(summaries, scenario, 'ours');
  const floor = figures(summaries, 's7-floor-read-stream', 'floor');
  if (ours === undefined || floor === undefined) {
    return { target, met: null, detail: 'not measured in this run' };
  }
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
  if (ours === undefined) return { target, met: null, detail: 'not measured in this run' };
  const trace = ours.rssTraceMb ?? [];
  const flat =
    trace.length > 1 ? `; RSS over the read ${trace.map((mb) => mb.toFixed(0)).join(' → ')} MB` : '';
  return {
    target,
    met: ours.peakRssMb < MEMORY_LIMIT_MB,
    detail: `peak ${ours.peakRssMb.toFixed(1)} MB${flat}`,
  };
}

/** Every target of issue 6, in the order. */
export function checkTargets(summaries: readonly ScenarioSummary[]): TargetCheck[] {
  return [
    ...READ_SCENARIOS.map((scenario) => speedTarget(summaries, scenario, 2)),
    ...READ_SCENARIOS.map((scenario) => floorTarget(summaries, scenario)),
    speedTarget(summaries, 's2-batch-appends', 1.5),
    memoryTarget(summaries),
  ];
}
