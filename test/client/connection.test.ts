// Connecting: the seed's host/port constructor and connection strings, TLS verification and credentials, in
// insecure and secure mode against a server.
import {
  AccessDeniedError,
  EsdbClient,
  NewEvent,
  ServiceUnavailableError,
  TlsMismatchError,
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

    test('tls: true without serverCert verifies the server certificate against the system roots', async () => {
      if (!AGAINST_EMULATOR) return; // a real server's certificate may be trusted by the system
      // The system's roots do not include the emulator's CA.
      const client = open(
        new EsdbClient({ ...target().hostOptions, serverCert: undefined, tls: true, defaultDeadline: 5_000 }),
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
        new EsdbClient({ ...target().hostOptions, serverCert: undefined, tls: true, tlsVerifyCert: false }),
      );
      expect(await hostClient.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
    });

    test('a cleartext client of a TLS server is told the server speaks TLS', async () => {
      const { host, port } = target().hostOptions;
      const client = open(new EsdbClient({ host, port, defaultDeadline: 5_000 }));
      const error = await rejectionOf(client.getStreamPosition({ streamName: uniqueStream() }));
      expect(error).toBeInstanceOf(TlsMismatchError);
      expect((error as TlsMismatchError).serverSpeaksTls).toBe(true);
      expect((error as Error).message).toMatch(
        /speaks TLS, but the client connected without it: give serverCert/,
      );
      const viaUri = open(new EsdbClient({ uri: `esdb://${host}:${port ?? 2113}?tls=false` }));
      await expect(viaUri.readStreamEvents({ streamName: uniqueStream() }).toArray()).rejects.toBeInstanceOf(
        TlsMismatchError,
      );
    });
  } else {
    test('credentials are not needed, and not sent, on a cleartext connection', async () => {
      const { host, port } = target().hostOptions;
      const client = open(new EsdbClient({ uri: `esdb://admin:wrong@${host}:${port ?? 2113}?tls=false` }));
      expect(await client.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
    });

    test("the seed's host and port alone reach an insecure server", async () => {
      const { host, port } = target().hostOptions;
      const client = open(new EsdbClient({ host, port }));
      const streamName = uniqueStream();
      await client.appendEvents({ streamName, expectedPosition: null, events: [anEvent()] });
      expect(await client.getStreamPosition({ streamName })).toBe(0n);
    });

    test('a TLS client of a cleartext server is told the server does not speak TLS', async () => {
      const { host, port } = target().hostOptions;
      const client = open(new EsdbClient({ host, port, tls: true, defaultDeadline: 5_000 }));
      const error = await rejectionOf(client.getStreamPosition({ streamName: uniqueStream() }));
      expect(error).toBeInstanceOf(TlsMismatchError);
      expect((error as TlsMismatchError).serverSpeaksTls).toBe(false);
      expect((error as Error).message).toMatch(
        /does not speak TLS .*connect with tls: false \/ without serverCert/,
      );
      expect((error as Error).message).not.toMatch(/SSL|ssl3|wrong version/);
      const viaUri = open(new EsdbClient({ uri: `esdb://${host}:${port ?? 2113}` }));
      await expect(viaUri.getCommitPosition()).rejects.toBeInstanceOf(TlsMismatchError);
    });
  }
});

describe('connecting to nothing', () => {
  test('a node that does not listen gives ServiceUnavailableError, once the retries of reads give up', async () => {
    // Reads are retried until their deadline (the client's, for calls that give none): keep it short.
    const client = new EsdbClient({ host: '127.0.0.1', port: 1, tls: false, defaultDeadline: 500 });
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
