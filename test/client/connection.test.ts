// Connecting: the seed's host/port constructor and connection strings, TLS verification and credentials, in
// insecure and secure mode against a server.
import {
  AccessDeniedError,
  EsdbClient,
  NewEvent,
  ServiceUnavailableError,
  UnauthenticatedError,
} from '../../src/client/index.js';
import {
  AGAINST_EMULATOR,
  MODES,
  rejectionOf,
  uniqueStream,
  useClientTarget,
  utf8,
} from './support/target.js';

const anEvent = (): NewEvent => new NewEvent({ type: 'Connected', data: utf8('{}') });

describe.each(MODES)('connecting (%s)', (mode) => {
  const target = useClientTarget(mode);
  const opened: EsdbClient[] = [];
  const open = (client: EsdbClient): EsdbClient => {
    opened.push(client);
    return client;
  };
  afterAll(async () => {
    await Promise.all(opened.map((client) => client.close()));
  });

  test.each([
    ['host options', false],
    ['a connection string', true],
  ])('works with %s', async (_, viaUri) => {
    const client = target().client({ viaUri });
    const streamName = uniqueStream();
    await client.appendEvents({ streamName, expectedPosition: null, events: [anEvent()] });
    expect(await client.getStreamPosition({ streamName })).toBe(0n);
    expect((await client.readAllEvents({ backwards: true, limit: 1 }).toArray())[0]?.streamName).toBe(
      streamName,
    );
  });

  test('accepts the kurrentdb:// scheme', async () => {
    const client = open(new EsdbClient({ uri: target().uri.replace(/^esdb:/, 'kurrentdb:') }));
    expect(await client.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
  });

  if (mode === 'secure') {
    test('wrong credentials fail with UnauthenticatedError', async () => {
      const client = open(new EsdbClient({ ...target().hostOptions, password: 'wrong-password' }));
      const error = await rejectionOf(
        client.appendEvents({ streamName: uniqueStream(), expectedPosition: -1, events: [anEvent()] }),
      );
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect(String(error)).not.toContain('wrong-password');
    });

    test('without credentials the anonymous user is denied stream access', async () => {
      const client = open(
        new EsdbClient({ ...target().hostOptions, username: undefined, password: undefined }),
      );
      const error = await rejectionOf(
        client.appendEvents({ streamName: uniqueStream(), expectedPosition: -1, events: [anEvent()] }),
      );
      expect(error).toBeInstanceOf(AccessDeniedError);
      await expect(client.readAllEvents({ limit: 1 }).toArray()).rejects.toBeInstanceOf(AccessDeniedError);
    });

    test('TLS is on by default and verifies the server certificate', async () => {
      if (!AGAINST_EMULATOR) return; // a real server's certificate may be trusted by the system
      // No serverCert, and tls left to its default: the system's roots do not include the emulator's CA.
      const client = open(
        new EsdbClient({
          ...target().hostOptions,
          serverCert: undefined,
          tls: undefined,
          defaultDeadline: 5_000,
        }),
      );
      const error = await rejectionOf(client.getStreamPosition({ streamName: uniqueStream() }));
      expect(error).toBeInstanceOf(ServiceUnavailableError);
    });

    test('tlsVerifyCert=false skips the verification', async () => {
      const uri = target().uri.replace(/tlsCAFile=[^&]*/, 'tlsVerifyCert=false');
      expect(uri).toContain('tlsVerifyCert=false');
      const client = open(new EsdbClient({ uri }));
      expect(await client.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
      const hostClient = open(
        new EsdbClient({ ...target().hostOptions, serverCert: undefined, tlsVerifyCert: false }),
      );
      expect(await hostClient.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
    });

    test('a cleartext client cannot talk to a TLS server', async () => {
      const client = open(new EsdbClient({ ...target().hostOptions, tls: false, defaultDeadline: 5_000 }));
      const error = await rejectionOf(client.getStreamPosition({ streamName: uniqueStream() }));
      expect(error).toBeInstanceOf(ServiceUnavailableError);
    });
  } else {
    test('credentials are not needed, and not sent, on a cleartext connection', async () => {
      const { host, port } = target().hostOptions;
      const client = open(new EsdbClient({ uri: `esdb://admin:wrong@${host}:${port ?? 2113}?tls=false` }));
      expect(await client.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
    });

    test('a TLS client cannot talk to a cleartext server', async () => {
      const client = open(new EsdbClient({ ...target().hostOptions, tls: true, defaultDeadline: 5_000 }));
      const error = await rejectionOf(client.getStreamPosition({ streamName: uniqueStream() }));
      expect(error).toBeInstanceOf(ServiceUnavailableError);
    });
  }
});

describe('connecting to nothing', () => {
  test('a node that does not listen gives ServiceUnavailableError', async () => {
    const client = new EsdbClient({ host: '127.0.0.1', port: 1, tls: false });
    try {
      await expect(client.getCommitPosition()).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(client.readStreamEvents({ streamName: 's' }).toArray()).rejects.toBeInstanceOf(
        ServiceUnavailableError,
      );
    } finally {
      await client.close();
    }
  });
});
