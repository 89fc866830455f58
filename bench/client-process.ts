/**
 * Runs one task in a new client process (the compiled `bench/worker.js`) and collects its outcome; a process
 * that dies, or outlives its time limit, is an error outcome rather than a crash.
 */
import { fork } from 'node:child_process';
import type { RunOutcome, RunTask, WorkerMessage } from './protocol.js';

/** How to start a client process. */
export interface ClientProcessOptions {
  /** The compiled worker module. */
  readonly worker: string;
  /** Give up on the process after this long. */
  readonly timeoutMs: number;
  /** Node options of the process (e.g. `--cpu-prof`). */
  readonly nodeOptions: readonly string[];
}

/** Runs `task`; `onCaughtUp` is called when a catch-up subscription reports it has caught up. */
export function runInClientProcess(
  options: ClientProcessOptions,
  task: RunTask,
  onCaughtUp: () => void = () => undefined,
): Promise<RunOutcome> {
  const { worker, timeoutMs, nodeOptions } = options;
  return new Promise((resolve) => {
    const child = fork(worker, [], {
      execArgv: [...nodeOptions],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let outcome: RunOutcome | undefined;
    const timer = setTimeout(() => {
      outcome ??= { status: 'error', message: `no outcome within ${timeoutMs} ms` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'caught-up') onCaughtUp();
      else outcome ??= message.outcome;
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(
        outcome ?? {
          status: 'error',
          message: `the client process exited (${signal ?? String(code)}) without an outcome: ${output.trim()}`,
        },
      );
    });
    child.send({ type: 'run', task });
  });
}
