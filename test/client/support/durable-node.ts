/**
 * A durable emulator (a data directory) that tests can restart on the same port, and helpers to run a
 * subscription's loop in the background and to append while the node comes and goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbClient, NewEvent, RecordedEvent } from '../../../src/client/index.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { generateCertificates } from '../../../src/emulator/tls/certificates.js';
import type { Mode } from './target.js';

/** A durable node in `mode`, its clients, and a way to restart it. */
export interface DurableNode {
  readonly emulator: RunningEmulator;
  /** A client of the node (closed by {@link DurableNode.stop}), with keepalive settings if given. */
  client(keepAlive?: { readonly keepAliveInterval: number; readonly keepAliveTimeout: number }): EsdbClient;
  /** Stops the node and starts it again on the same port and data directory (the emulator's fault control). */
  restart(): Promise<void>;
  /** Closes the clients, stops the node, removes its data. */
  stop(): Promise<void>;
}

/** Starts a durable node in `mode`. */
export async function startDurableNode(mode: Mode): Promise<DurableNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'esdb-resubscribe-'));
  const secure = mode === 'secure';
  const certificates = secure ? generateCertificates() : undefined;
  const emulator = await startEmulator({ secure, certificates, dataDir });
  const { host, port } = emulator;
  const clients: EsdbClient[] = [];
  return {
    emulator,
    client: (keepAlive) => {
      const client = secure
        ? new EsdbClient({
            host,
            port,
            serverCert: certificates?.caCert,
            username: 'admin',
            password: 'changeit',
            ...keepAlive,
          })
        : new EsdbClient({ host, port, tls: false, ...keepAlive });
      clients.push(client);
      return client;
    },
    restart: () => emulator.restart(),
    stop: async () => {
      await Promise.all(clients.map((client) => client.close()));
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A subscription's loop running in the background: what it received, and how it ended. */
export interface Collector {
  readonly ids: string[];
  /** Resolves with the error the loop threw, or 'done'. */
  readonly ended: Promise<unknown>;
}

/** Runs a loop over `items` in the background, keeping the ids of the events it receives. */
export function collect<Item>(
  items: AsyncIterable<Item>,
  onEvent?: (event: Item & RecordedEvent) => void,
): Collector {
  const ids: string[] = [];
  const ended = (async (): Promise<unknown> => {
    try {
      for await (const item of items) {
        if (item instanceof RecordedEvent) {
          ids.push(item.id);
          onEvent?.(item);
        }
      }
      return 'done';
    } catch (error) {
      return error;
    }
  })();
  return { ids, ended };
}

/** Waits until `condition` holds, polling; fails after `ms`, saying `what`. */
export async function eventually(condition: () => boolean, what: () => string, ms = 20_000): Promise<void> {
  const until = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Appends `count` events to `streamName`, one per append, each tried again until it is taken (the node may be
 * down or restarting meanwhile). A retried append keeps its event id, so the server takes it once (§3.6).
 * `beforeEach` runs before each event's first try.
 */
export async function appendPatiently(
  client: EsdbClient,
  streamName: string,
  count: number,
  beforeEach: (index: number) => Promise<void> | void = () => undefined,
): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await beforeEach(index);
    const event = new NewEvent({ type: 'Counted', data: Buffer.from(String(index)) });
    for (let tries = 1; ; tries += 1) {
      try {
        await client.appendEvents({ streamName, expectedPosition: -1, events: [event] });
        break;
      } catch (error) {
        if (tries >= 200) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
