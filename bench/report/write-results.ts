/** Writes the three outputs of a run: `latest.json`, `latest.md` and `latest.svg`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from '../bench-results.js';
import { markdownReport } from './markdown.js';
import { eventsPerSecondChart } from './svg-chart.js';

/** The paths written. */
export interface ResultFiles {
  readonly json: string;
  readonly markdown: string;
  readonly svg: string;
}

/** Writes the results into `outDir` (created if missing), replacing the previous `latest.*`. */
export function writeResults(outDir: string, results: BenchResults): ResultFiles {
  mkdirSync(outDir, { recursive: true });
  const files = {
    json: join(outDir, 'latest.json'),
    markdown: join(outDir, 'latest.md'),
    svg: join(outDir, 'latest.svg'),
  };
  writeFileSync(files.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(files.markdown, markdownReport(results));
  writeFileSync(files.svg, eventsPerSecondChart(results));
  return files;
}
