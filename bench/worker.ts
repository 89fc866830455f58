/**
 * A client process: receives one task from the harness, loads the client it names, runs the scenario's body,
 * sends back what it measured, and exits. One process per run, so that each client's CPU time and peak RSS are
 * its own and nothing one run leaves behind (JIT state, heap, connections) helps or hinders the next.
 */
import type { BenchClient } from './clients/bench-client.js';
import { NotSupportedError } from './clients/bench-client.js';
import type { RunMessage, RunOutcome, RunTask, WorkerMessage } from './protocol.js';
import { BODIES } from './scenario-bodies.js';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined) {
      reject(new Error('the worker must be started by the harness, with an IPC channel'));
      return;
    }
    process.send(message, undefined, {}, (error: Error | null) => {
      if (error === null) resolve();
      else reject(error);
    });
  });
}

/** Loads and creates the client of a task; our client is loaded lazily so that a broken build is an "n/a". */
async function clientOf(task: RunTask): Promise<BenchClient> {
  switch (task.client) {
    case 'official': {
      const { OfficialBenchClient } = await import('./clients/official-client.js');
      return new OfficialBenchClient(task.uri);
    }
    case 'floor': {
      const { FloorBenchClient } = await import('./clients/floor-client.js');
      return new FloorBenchClient(task.address);
    }
    case 'ours': {
      let module: typeof import('./clients/our-client.js');
      try {
        module = await import('./clients/our-client.js');
      } catch (error) {
        throw new NotSupportedError(`our client does not load: ${messageOf(error)}`);
      }
      return new module.OurBenchClient(task.uri);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function run(task: RunTask): Promise<RunOutcome> {
  let client: BenchClient | undefined;
  try {
    client = await clientOf(task);
    return await BODIES[task.scenario]({
      task,
      client,
      caughtUp: () => void send({ type: 'caught-up' }),
    });
  } catch (error) {
    if (error instanceof NotSupportedError) return { status: 'n/a', reason: error.message };
    return { status: 'error', message: messageOf(error) };
  } finally {
    await client?.close().catch(() => undefined);
  }
}

process.once('message', (message: RunMessage) => {
  void run(message.task)
    .then((outcome) => send({ type: 'outcome', outcome }))
    .finally(() => process.exit(0));
});
