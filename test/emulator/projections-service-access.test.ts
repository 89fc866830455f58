// Who may call the emulator's Projections service, and which nodes serve it at all (docs/protocol.md §3.17.1;
// server: LegacyPolicySelectorFactory.cs, ProjectionsSubsystem.cs, ServerFeatures.cs).
import { createChannel, createClient, Status } from 'nice-grpc';
import { startEmulator } from '../../src/emulator/index.js';
import { ProjectionsDefinition } from '../../src/generated/projections.js';
import { ServerFeaturesDefinition } from '../../src/generated/serverfeatures.js';
import { basic, collect, failure, type FakeManagerNode, serveFakeManager } from './projections-support.js';

describe('secure node: permissions', () => {
  let node: FakeManagerNode;
  beforeAll(async () => {
    node = await serveFakeManager(true);
  });
  afterAll(() => node.stop());

  test('the anonymous user may do nothing', async () => {
    const { client } = node;
    const calls: (() => Promise<unknown>)[] = [
      () => client.create({ options: { mode: { $case: 'transient', value: { name: 'p' } }, query: 'q' } }),
      () =>
        client.update({
          options: { name: 'p', query: 'q', emitOption: { $case: 'noEmitOptions', value: {} } },
        }),
      () => client.delete({ options: { name: 'p' } }),
      () => collect(client.statistics({ options: { mode: { $case: 'all', value: {} } } })),
      () => client.enable({ options: { name: 'p' } }),
      () => client.disable({ options: { name: 'p' } }),
      () => client.reset({ options: { name: 'p' } }),
      () => client.state({ options: { name: 'p' } }),
      () => client.result({ options: { name: 'p' } }),
      () => client.restartSubsystem({}),
    ];
    for (const call of calls) {
      const error = await failure(call);
      expect([error.code, error.details]).toEqual([Status.PERMISSION_DENIED, 'Access Denied']);
    }
    expect(node.manager.calls).toEqual([]);
  });

  test('ops may delete and restart; calls run as the authenticated user', async () => {
    const { client, manager } = node;
    await client.delete({ options: { name: 'p' } }, { metadata: basic('ops') });
    await client.restartSubsystem({}, { metadata: basic('ops') });
    await client.enable({ options: { name: 'p' } }, { metadata: basic('admin') });
    expect(manager.calls.map((call) => [call.operation, call.args.at(-1)])).toEqual([
      ['delete', { name: 'ops', groups: ['$ops'] }],
      ['restartSubsystem', undefined],
      ['enable', { name: 'admin', groups: ['$admins'] }],
    ]);
  });
});

describe('which nodes serve Projections', () => {
  test('a node with a projection manager lists the methods; Create has track_emitted_streams', async () => {
    const node = await serveFakeManager(false);
    try {
      const features = createClient(ServerFeaturesDefinition, node.channel);
      const { methods } = await features.getSupportedMethods({});
      const listed = methods.filter(
        (method) => method.serviceName === 'event_store.client.projections.projections',
      );
      expect(listed.map((method) => [method.methodName, method.features])).toEqual([
        ['create', ['track_emitted_streams']],
        ['update', []],
        ['delete', []],
        ['statistics', []],
        ['disable', []],
        ['enable', []],
        ['reset', []],
        ['state', []],
        ['result', []],
        ['restartsubsystem', []],
      ]);
    } finally {
      await node.stop();
    }
  });

  test('a node that runs no projections answers UNIMPLEMENTED and does not list the service', async () => {
    const emulator = await startEmulator();
    const channel = createChannel(`${emulator.host}:${emulator.port}`);
    try {
      const { methods } = await createClient(ServerFeaturesDefinition, channel).getSupportedMethods({});
      expect(methods.filter((method) => method.serviceName.includes('projections'))).toEqual([]);
      const error = await failure(() =>
        createClient(ProjectionsDefinition, channel).enable({ options: { name: 'p' } }),
      );
      expect(error.code).toBe(Status.UNIMPLEMENTED);
    } finally {
      channel.close();
      await emulator.stop();
    }
  });
});
