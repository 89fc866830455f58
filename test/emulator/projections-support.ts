// Helpers for the Projections service tests: a node served with a scripted projection manager, and a raw
// nice-grpc client of the generated definition.
import { randomUUID } from 'node:crypto';
import {
  ChannelCredentials,
  ClientError,
  createChannel,
  createClient,
  Metadata,
  type Channel,
} from 'nice-grpc';
import { ProjectionsDefinition, type ProjectionsClient } from '../../src/generated/projections.js';
import { DEFAULT_MAX_APPEND_SIZE, EmulatorNode } from '../../src/emulator/node.js';
import {
  type DeleteOptions,
  type ProjectionDefinition,
  type ProjectionManagement,
  ProjectionManagementError,
  type ProjectionStatistics,
  type RunAsUser,
  type StatisticsSelector,
} from '../../src/emulator/projections/projection-management.js';
import { createStore } from '../../src/emulator/server/create-store.js';
import { type NodeServer, serveNode } from '../../src/emulator/server/node-server.js';
import { generateCertificates } from '../../src/emulator/tls/certificates.js';

/** One call the fake manager received: the operation's name and its arguments. */
export interface ManagerCall {
  readonly operation: keyof ProjectionManagement;
  readonly args: readonly unknown[];
}

/**
 * A projection manager that records its calls and answers as scripted: `failures` makes an operation reject,
 * `json` is what State and Result answer, `listed` what Statistics lists.
 */
export class FakeProjectionManager implements ProjectionManagement {
  readonly calls: ManagerCall[] = [];
  readonly failures = new Map<keyof ProjectionManagement, ProjectionManagementError>();
  json: string | undefined = undefined;
  listed: readonly ProjectionStatistics[] = [];

  private answer<T>(operation: keyof ProjectionManagement, args: readonly unknown[], value: T): Promise<T> {
    this.calls.push({ operation, args });
    const failure = this.failures.get(operation);
    return failure === undefined ? Promise.resolve(value) : Promise.reject(failure);
  }

  create(definition: ProjectionDefinition, runAs: RunAsUser | undefined): Promise<void> {
    return this.answer('create', [definition, runAs], undefined);
  }
  update(name: string, query: string, emitEnabled: boolean | undefined, runAs: RunAsUser | undefined) {
    return this.answer('update', [name, query, emitEnabled, runAs], undefined);
  }
  delete(name: string, options: DeleteOptions, runAs: RunAsUser | undefined): Promise<void> {
    return this.answer('delete', [name, options, runAs], undefined);
  }
  statistics(selector: StatisticsSelector): Promise<readonly ProjectionStatistics[]> {
    return this.answer('statistics', [selector], this.listed);
  }
  enable(name: string, runAs: RunAsUser | undefined): Promise<void> {
    return this.answer('enable', [name, runAs], undefined);
  }
  disable(name: string, writeCheckpoint: boolean, runAs: RunAsUser | undefined): Promise<void> {
    return this.answer('disable', [name, writeCheckpoint, runAs], undefined);
  }
  reset(name: string, writeCheckpoint: boolean, runAs: RunAsUser | undefined): Promise<void> {
    return this.answer('reset', [name, writeCheckpoint, runAs], undefined);
  }
  state(name: string, partition: string): Promise<string | undefined> {
    return this.answer('state', [name, partition], this.json);
  }
  result(name: string, partition: string): Promise<string | undefined> {
    return this.answer('result', [name, partition], this.json);
  }
  restartSubsystem(): Promise<void> {
    return this.answer('restartSubsystem', [], undefined);
  }
}

/** A node serving the fake manager, with a raw client of its Projections service. */
export interface FakeManagerNode {
  readonly manager: FakeProjectionManager;
  readonly server: NodeServer;
  readonly channel: Channel;
  readonly client: ProjectionsClient;
  /** The CA certificate of a secure node. */
  readonly caCert: string | undefined;
  stop(): Promise<void>;
}

export async function serveFakeManager(secure: boolean): Promise<FakeManagerNode> {
  const manager = new FakeProjectionManager();
  const instanceId = randomUUID();
  const opened = createStore({ secure, instanceId });
  const node = new EmulatorNode(opened.store, DEFAULT_MAX_APPEND_SIZE, instanceId);
  const certificates = secure ? generateCertificates() : undefined;
  const tls = certificates && { key: certificates.nodeKey, cert: certificates.nodeCert };
  const server = await serveNode(node, { host: '127.0.0.1', port: 0, secure, tls, projections: manager });
  const channel = createChannel(
    `127.0.0.1:${server.port}`,
    certificates && ChannelCredentials.createSsl(Buffer.from(certificates.caCert)),
  );
  return {
    manager,
    server,
    channel,
    client: createClient(ProjectionsDefinition, channel),
    caCert: certificates?.caCert,
    stop: async () => {
      channel.close();
      await server.close();
      opened.close();
    },
  };
}

/** Basic credentials of a built-in account (password `changeit`). */
export function basic(user: string): Metadata {
  return Metadata({ authorization: `Basic ${Buffer.from(`${user}:changeit`).toString('base64')}` });
}

/** The ClientError a call fails with; fails the test if it succeeds. */
export async function failure(call: () => Promise<unknown>): Promise<ClientError> {
  try {
    await call();
  } catch (error: unknown) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

/** Every message of a server stream. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export { ProjectionManagementError };
