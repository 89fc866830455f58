/** The content of `latest.json`: everything a run measured and concluded. */
import type { ScenarioId, ScenarioSizes } from './config.js';
import type { MachineInfo } from './report/machine.js';
import type { RunRecord, ScenarioSummary } from './summary.js';
import type { TargetCheck } from './targets.js';

export interface BenchResults {
  /** The format of this file; raised when fields change meaning. */
  readonly format: 1;
  readonly machine: MachineInfo;
  readonly preset: string;
  readonly rounds: number;
  /** Rounds of the memory scenario. */
  readonly memoryRounds: number;
  readonly scenarios: readonly ScenarioId[];
  readonly sizes: ScenarioSizes;
  /** How long the whole benchmark took, seconds. */
  readonly durationSeconds: number;
  /** Medians, ratios and bottlenecks per scenario. */
  readonly summaries: readonly ScenarioSummary[];
  readonly targets: readonly TargetCheck[];
  /** Every run, as measured. */
  readonly runs: readonly RunRecord[];
}
