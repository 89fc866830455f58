// NodeConnection.leader(): the connection for calls only the leader serves is the client's own connection
// unless the client discovers a cluster and prefers other members.
import { settingsOf } from '../../src/client/connection/client-options.js';
import { NodeConnection } from '../../src/client/connection/node-connection.js';

const closer = new AbortController();
const connectionOf = (uri: string): NodeConnection => new NodeConnection(settingsOf({ uri }), closer.signal);

afterAll(() => {
  closer.abort();
});

test.each([
  ['a single node, whatever the preference', 'esdb://127.0.0.1:1?tls=false&nodePreference=follower'],
  [
    'a cluster client preferring the leader',
    'esdb://127.0.0.1:1,127.0.0.1:2?tls=false&nodePreference=leader',
  ],
  ['a cluster client by default', 'esdb://127.0.0.1:1,127.0.0.1:2?tls=false'],
])('%s has one connection for every call', (_, uri) => {
  const connection = connectionOf(uri);
  expect(connection.leader()).toBe(connection);
  connection.close();
});

test.each(['follower', 'readOnlyReplica', 'random'])(
  'a cluster client preferring %s has a second connection, made once, that discovers the leader',
  (preference) => {
    const connection = connectionOf(`esdb://127.0.0.1:1,127.0.0.1:2?tls=false&nodePreference=${preference}`);
    const leader = connection.leader();
    expect(leader).not.toBe(connection);
    expect(connection.leader()).toBe(leader);
    expect(leader.leader()).toBe(leader);
    expect(leader.discovers).toBe(true);
    expect(leader.currentNode).toBeUndefined();
    connection.close();
  },
);
