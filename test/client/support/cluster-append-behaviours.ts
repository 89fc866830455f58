// Appends against an emulated three-node cluster, run on both append paths (BatchAppend and Append): they go
// to the leader whatever the node preference, a not-leader redirect is followed, and the leader stopping in the middle of 1,000 appends loses or repeats
// nothing that was acknowledged (docs/protocol.md §3.1.1, §3.15).
import { randomUUID } from 'node:crypto';
import { EsdbClient, NewEvent } from '../../../src/client/index.js';
import { BatchAppender } from '../../../src/client/streams/batch-appender.js';
import { type RunningEmulatorCluster, startEmulatorCluster } from '../../../src/emulator/index.js';
import type { AppendPath } from './append-behaviours.js';
import { OpenedClients } from './opened-clients.js';

const event = (): NewEvent => new NewEvent({ type: 'Tested', data: new Uint8Array([1]) });

/** Registers the cluster append tests, checking that appends take `path`. */
export function describeClusterAppendBehaviours(path: AppendPath): void {
  describe(`appends to a three-node cluster over ${path}`, () => {
    let cluster: RunningEmulatorCluster;
    const clients = new OpenedClients();
    const client = (uri: string): EsdbClient => clients.open(uri);
    const batchAppends = jest.spyOn(BatchAppender.prototype, 'append');

    beforeEach(async () => {
      cluster = await startEmulatorCluster({ nodes: 3, electionDelayMs: 300 });
      await cluster.stable();
      batchAppends.mockClear();
    });
    afterEach(async () => {
      expect(batchAppends.mock.calls.length > 0).toBe(path === 'BatchAppend');
      await clients.closeAll();
      await cluster.stop();
    });

    test('a follower-preferring client writes to the leader, following not-leader after a leader change', async () => {
      const opened = client(`${cluster.uri}&nodePreference=follower`);
      await opened.getStreamPosition({ streamName: `probe-${randomUUID()}` });
      const follower = opened.currentNode;
      expect(follower).not.toEqual({ host: cluster.leader?.host, port: cluster.leader?.port });
      // Writes go to the leader over the client's second connection; its reads stay on the follower.
      const stream = `redirect-${randomUUID()}`;
      const first = event();
      await opened.appendEvents({ streamName: stream, expectedPosition: null, events: [first] });
      expect(opened.currentNode).toEqual(follower);
      // The old leader, now a follower, answers the next write (requires-leader: true, §4) with not-leader and
      // the new leader's address; the client moves there and appends once more (idempotent by event id).
      const old = cluster.leader;
      const next = cluster.nodes.find(
        (node) => node !== old && !(node.host === follower?.host && node.port === follower.port),
      );
      await cluster.forceLeaderChange(next?.index);
      await cluster.stable();
      const second = event();
      await opened.appendEvents({ streamName: stream, expectedPosition: 0, events: [second] });
      const read = await opened.readStreamEvents({ streamName: stream }).toArray();
      expect(read.map((recorded) => recorded.id)).toEqual([first.id, second.id]);
      expect(opened.currentNode).toEqual(follower);
    });

    test('killing the leader during 1,000 appends: every acknowledged append is present exactly once', async () => {
      const opened = client(cluster.uri);
      const stream = `failover-${randomUUID()}`;
      const acknowledged: string[] = [];
      const failures: unknown[] = [];
      const oldLeader = cluster.leader;
      for (let index = 0; index < 1000; index += 1) {
        if (index === 400) void oldLeader?.stop();
        const appended = event();
        try {
          await opened.appendEvents({ streamName: stream, expectedPosition: -1, events: [appended] });
          acknowledged.push(appended.id);
        } catch (error) {
          failures.push(error);
        }
      }
      expect(opened.currentNode).not.toEqual({ host: oldLeader?.host, port: oldLeader?.port });
      const ids = (await opened.readStreamEvents({ streamName: stream }).toArray()).map(
        (recorded) => recorded.id,
      );
      expect(new Set(ids).size).toBe(ids.length);
      const present = new Set(ids);
      expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
      // The retry on the new leader makes fail-over invisible to nearly every append.
      expect(acknowledged.length).toBeGreaterThanOrEqual(995);
      expect(failures.length).toBe(1000 - acknowledged.length);
    });
  });
}
