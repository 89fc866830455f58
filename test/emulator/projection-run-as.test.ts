// Who a user projection runs as (docs/protocol.md §3.17.4): the `runAs` and `sourceDefinition` of its persisted
// definition, the manager's permission rule for changes, and what the run-as user does not restrict (24.10:
// Services/Management/ManagedProjection.cs, ProjectionManager.cs, Messages/ProjectionManagementMessage.cs
// `RunAs.ValidateRunAs`, Services/Grpc/ProjectionManagement.Create.cs).
import { randomUUID } from 'node:crypto';
import { ChannelCredentials, createChannel, createClient, type Channel } from 'nice-grpc';

import { DEFAULT_MAX_APPEND_SIZE, EmulatorNode } from '../../src/emulator/node.js';
import {
  ProjectionManagementError,
  type RunAsUser,
} from '../../src/emulator/projections/projection-management.js';
import {
  createProjectionManager,
  type ProjectionManager,
} from '../../src/emulator/projections/projection-manager.js';
import { createStore, type OpenedStore } from '../../src/emulator/server/create-store.js';
import { serveNode, type NodeServer } from '../../src/emulator/server/node-server.js';
import { generateCertificates } from '../../src/emulator/tls/certificates.js';
import { ProjectionsDefinition, type ProjectionsClient } from '../../src/generated/projections.js';
import {
  continuous,
  recordsOf,
  settled,
  startNode,
  statusOf,
  text,
  write,
  type Node,
} from './projection-support.js';
import { basic } from './projections-support.js';

jest.setTimeout(30_000);

const ROLE = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';
const COUNTER = `fromStream('orders').when({ $init: () => ({ count: 0 }), OrderPlaced: (s) => { s.count += 1; } })`;
const ALICE: RunAsUser = { name: 'alice', groups: [] };
const NONE = { deleteEmittedStreams: false, deleteStateStream: false, deleteCheckpointStream: false };

/** The definitions of `$projections-<name>`, parsed. */
function definitionsOf(store: Node['store'], name: string): Record<string, unknown>[] {
  return recordsOf(store, `$projections-${name}`).map(
    (r) => JSON.parse(text(r.data)) as Record<string, unknown>,
  );
}

/** A secure node serving the real projection manager. */
interface SecureNode {
  readonly opened: OpenedStore;
  readonly manager: ProjectionManager;
  readonly server: NodeServer;
  readonly channel: Channel;
  readonly client: ProjectionsClient;
}

async function serveSecure(): Promise<SecureNode> {
  const instanceId = randomUUID();
  const opened = createStore({ secure: true, instanceId, warn: () => undefined });
  const manager = createProjectionManager(opened.store, { runProjections: 'all' });
  if (manager === undefined) throw new Error('no manager');
  const certificates = generateCertificates();
  const tls = { key: certificates.nodeKey, cert: certificates.nodeCert };
  const node = new EmulatorNode(opened.store, DEFAULT_MAX_APPEND_SIZE, instanceId);
  const server = await serveNode(node, {
    host: '127.0.0.1',
    port: 0,
    secure: true,
    tls,
    projections: manager,
  });
  const credentials = ChannelCredentials.createSsl(Buffer.from(certificates.caCert));
  const channel = createChannel(`127.0.0.1:${server.port}`, credentials);
  return { opened, manager, server, channel, client: createClient(ProjectionsDefinition, channel) };
}

describe('a secure node records who created a projection', () => {
  let node: SecureNode;
  beforeAll(async () => {
    node = await serveSecure();
  });
  afterAll(async () => {
    node.channel.close();
    await node.server.close();
    node.manager.stop();
    node.opened.close();
  });

  test('created as ops: the definition runs as ops, with its role claim, after the source definition', async () => {
    const mode = {
      $case: 'continuous' as const,
      value: { name: 'by-ops', emitEnabled: false, trackEmittedStreams: false },
    };
    await node.client.create({ options: { mode, query: COUNTER } }, { metadata: basic('ops') });
    const [record] = recordsOf(node.opened.store, '$projections-by-ops');
    expect(text(record?.data ?? new Uint8Array(0))).toBe(
      [
        '{',
        '  "handlerType": "JS",',
        `  "query": ${JSON.stringify(COUNTER)},`,
        '  "mode": "Continuous",',
        '  "enabled": true,',
        '  "sourceDefinition": {',
        '    "categories": [],',
        '    "events": [',
        '      "OrderPlaced"',
        '    ],',
        '    "streams": [',
        '      "orders"',
        '    ],',
        '    "options": {',
        '      "definesFold": true',
        '    }',
        '  },',
        '  "emitEnabled": false,',
        '  "checkpointsDisabled": false,',
        '  "trackEmittedStreams": false,',
        '  "epoch": -1,',
        '  "version": 0,',
        '  "runAs": {',
        '    "name": "ops",',
        '    "roles": [',
        `      "${ROLE}$$$$ops"`,
        '    ]',
        '  },',
        '  "checkpointHandledThreshold": 4000,',
        '  "checkpointUnhandledBytesThreshold": 10000000,',
        '  "pendingEventsThreshold": 5000,',
        '  "maxWriteBatchLength": 500,',
        '  "projectionSubsystemVersion": 4',
        '}',
      ].join('\n'),
    );
  });

  test('a change by admin keeps the creator; admin creating one runs it as admin', async () => {
    await node.client.disable(
      { options: { name: 'by-ops', writeCheckpoint: true } },
      { metadata: basic('admin') },
    );
    const mode = {
      $case: 'continuous' as const,
      value: { name: 'by-admin', emitEnabled: false, trackEmittedStreams: false },
    };
    await node.client.create({ options: { mode, query: COUNTER } }, { metadata: basic('admin') });
    expect(definitionsOf(node.opened.store, 'by-ops').map((d) => [d.version, d.runAs])).toEqual([
      [0, { name: 'ops', roles: [`${ROLE}$$$$ops`] }],
      [1, { name: 'ops', roles: [`${ROLE}$$$$ops`] }],
    ]);
    expect(definitionsOf(node.opened.store, 'by-admin')[0]?.runAs).toEqual({
      name: 'admin',
      roles: [`${ROLE}$$$$admins`],
    });
  });
});

describe('the manager', () => {
  let node: Node | undefined;
  afterEach(() => {
    node?.close();
    node = undefined;
  });

  test('the system (an insecure node) is recorded as $system, and kept after a restart of the subsystem', async () => {
    node = startNode();
    await node.manager.create(continuous('orders', COUNTER), undefined);
    await node.manager.create(continuous('audit', COUNTER), { name: 'ops', groups: ['$ops'] });
    await node.manager.restartSubsystem();
    await node.manager.disable('orders', true, undefined);
    await node.manager.disable('audit', true, undefined);
    expect(definitionsOf(node.store, 'orders').map((d) => d.runAs)).toEqual([
      { name: '$system' },
      { name: '$system' },
    ]);
    expect(definitionsOf(node.store, 'audit').map((d) => d.runAs)).toEqual([
      { name: 'ops', roles: [`${ROLE}$$$$ops`] },
      { name: 'ops', roles: [`${ROLE}$$$$ops`] },
    ]);
  });

  test('a definition written without runAs runs as the system from its next change', async () => {
    node = startNode();
    node.store.append('$projections-$all', { kind: 'any' }, [
      {
        eventId: randomUUID(),
        eventType: '$ProjectionCreated',
        isJson: false,
        data: Buffer.from('old'),
        metadata: new Uint8Array(0),
      },
    ]);
    write(node.store, '$projections-old', '$ProjectionUpdated', {
      handlerType: 'JS',
      query: COUNTER,
      mode: 'Continuous',
      version: 0,
      epoch: -1,
    });
    await node.manager.restartSubsystem();
    await node.manager.enable('old', undefined);
    expect(definitionsOf(node.store, 'old').map((d) => d.runAs)).toEqual([undefined, { name: '$system' }]);
  });

  test('a user in neither $admins nor $ops may not change a non-transient projection: NotAuthorized', async () => {
    node = startNode();
    const refused = new ProjectionManagementError('access-denied', 'Not authorized');
    await expect(node.manager.create(continuous('mine', COUNTER), ALICE)).rejects.toEqual(refused);
    const oneTime = { ...continuous('once', COUNTER), mode: 'OneTime' as const };
    await expect(node.manager.create(oneTime, ALICE)).rejects.toEqual(refused);
    await node.manager.create(continuous('orders', COUNTER), { name: 'ops', groups: ['$ops'] });
    await expect(node.manager.update('orders', COUNTER, undefined, ALICE)).rejects.toEqual(refused);
    await expect(node.manager.disable('orders', true, ALICE)).rejects.toEqual(refused);
    await expect(node.manager.disable('orders', false, ALICE)).rejects.toEqual(refused);
    await expect(node.manager.reset('orders', true, ALICE)).rejects.toEqual(refused);
    await expect(node.manager.enable('$by_category', ALICE)).rejects.toEqual(refused);
    await node.manager.disable('orders', true, { name: 'admin', groups: ['$admins'] });
    await expect(node.manager.delete('orders', NONE, ALICE)).rejects.toEqual(refused);
    await expect(node.manager.enable('orders', ALICE)).rejects.toEqual(refused);
    // An unknown name is NotFound first; a transient projection is anyone's.
    await expect(node.manager.enable('nope', ALICE)).rejects.toMatchObject({ kind: 'not-found' });
    await node.manager.create({ ...continuous('peek', COUNTER), mode: 'Transient' }, ALICE);
    await node.manager.disable('peek', true, ALICE);
    expect(definitionsOf(node.store, 'mine')).toEqual([]);
    expect(definitionsOf(node.store, 'orders').map((d) => d.version)).toEqual([0, 1]);
  });

  test("the run-as user's stream permissions restrict neither reading nor emitting", async () => {
    node = startNode();
    const adminsOnly = { $acl: { $r: '$admins', $w: '$admins' } };
    write(node.store, '$$locked-in', '$metadata', adminsOnly);
    write(node.store, '$$locked-out', '$metadata', adminsOnly);
    const query = `fromStream('locked-in').when({ A: (s, e) => { emit('locked-out', 'B', { copied: true }); } })`;
    await node.manager.create(continuous('copier', query, true), { name: 'ops', groups: ['$ops'] });
    write(node.store, 'locked-in', 'A');
    await settled(node.store);
    expect(recordsOf(node.store, 'locked-out').map((r) => r.eventType)).toEqual(['B']);
    expect(await statusOf(node.manager, 'copier')).toMatchObject({
      status: 'Running',
      eventsProcessedAfterRestart: 1n,
    });
  });
});
