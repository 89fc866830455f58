/**
 * Runs a document's example program (markdown-program.ts) with tsx in a child process. The program must exit
 * by itself with status 0, so an example that leaves a call or a timer open fails.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExampleProgram } from './markdown-program.js';

const root = join(__dirname, '..', '..');

/** A program written to a scratch directory. */
export interface ProgramFile {
  readonly path: string;
  remove(): void;
}

/** Writes `program` as `<name>.ts` in a new scratch directory. */
export function writeProgram(program: ExampleProgram, name: string): ProgramFile {
  const directory = mkdtempSync(join(tmpdir(), 'esdbclient-examples-'));
  const path = join(directory, `${name}.ts`);
  writeFileSync(path, program.text);
  return {
    path,
    remove: () => {
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** How a run ended, and everything it printed. */
export interface ProgramOutcome {
  readonly code: number | null;
  readonly output: string;
  readonly timedOut: boolean;
}

/** Runs the program in `file` with tsx; it is killed after `ms`. */
export function runProgram(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  ms: number,
): Promise<ProgramOutcome> {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) childEnv[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/**
 * `exit status 0` for a run that passed; otherwise how it ended, where in the document (the stack names a line
 * of the program file) and everything the program printed, so that one assertion shows it all.
 */
export function describeOutcome(
  outcome: ProgramOutcome,
  file: ProgramFile,
  program: ExampleProgram,
  documentName: string,
): string {
  if (outcome.code === 0 && !outcome.timedOut) return 'exit status 0';
  const fileName = file.path.split(/[\\/]/).at(-1) ?? '';
  const at = new RegExp(`${fileName.replace(/\./g, '\\.')}:(\\d+)`).exec(outcome.output);
  const where = at === null ? '' : ` at ${documentName}:${program.documentLineOf(Number(at[1]) - 1)}`;
  const ending = outcome.timedOut
    ? 'did not exit in time (a call or timer left open?)'
    : `exit status ${outcome.code}`;
  return `${ending}${where}\n${outcome.output}`;
}
