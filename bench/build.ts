/**
 * Compiles the benchmark and the sources it runs (both clients' adapters, our client, the emulator) to plain
 * JavaScript before a run, so that the emulator and the client processes run without the tsx loader: the
 * loader costs some 45 MB of RSS per process, which would blur the peak RSS figures and the memory target.
 * Type checking is left to `npm run typecheck` (`noCheck`), which keeps the build to a few seconds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** Where a build lives and what in it the harness starts. */
export interface BenchBuild {
  readonly dir: string;
  /** The client process's entry point. */
  readonly worker: string;
  /** The emulator's command-line entry point. */
  readonly emulatorCli: string;
  /** Deletes the build. */
  remove(): void;
}

/**
 * Builds into `node_modules/.cache/esdbclient-bench/<pid>`: inside the project, so that the compiled modules
 * resolve the project's packages, and apart per harness process, so that runs do not overwrite each other.
 */
export function buildForBench(): BenchBuild {
  const dir = join(ROOT, 'node_modules', '.cache', 'esdbclient-bench', String(process.pid));
  rmSync(dir, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let failure: unknown;
  try {
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'bench', 'tsconfig.build.json'), '--outDir', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // tsc reports syntax errors but emits what it can; a broken client module is reported per run ("n/a").
    failure = error;
  }
  const worker = join(dir, 'bench', 'worker.js');
  const emulatorCli = join(dir, 'src', 'emulator', 'cli.js');
  if (!existsSync(worker) || !existsSync(emulatorCli)) {
    rmSync(dir, { recursive: true, force: true });
    const output = (failure as { stdout?: Buffer } | undefined)?.stdout?.toString() ?? 'no output';
    throw new Error(`the benchmark build did not produce ${worker} and ${emulatorCli}: ${output}`);
  }
  return {
    dir,
    worker,
    emulatorCli,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
