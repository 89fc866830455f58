// Connection strings (the official clients' format) and the constructor's options, resolved to settings:
// names, units and defaults as NODE's, and errors that name the problem without ever showing a password.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsOf } from '../../src/client/connection/client-options.js';
import { parseConnectionString } from '../../src/client/connection/connection-string.js';
import { EsdbClient } from '../../src/client/index.js';

describe('parseConnectionString', () => {
  test('host and default port', () => {
    expect(parseConnectionString('esdb://localhost')).toMatchObject({
      host: 'localhost',
      port: 2113,
      credentials: undefined,
      tls: undefined,
    });
  });

  test('credentials, port and every option', () => {
    const parsed = parseConnectionString(
      'esdb://admin:changeit@db.example:1234?tls=false&tlsVerifyCert=false&tlsCAFile=%2Ftmp%2Fca.crt' +
        '&defaultDeadline=2500&keepAliveInterval=-1&keepAliveTimeout=20000&connectionName=my%20app',
    );
    expect(parsed).toEqual({
      host: 'db.example',
      port: 1234,
      credentials: { username: 'admin', password: 'changeit' },
      tls: false,
      tlsVerifyCert: false,
      tlsCAFile: '/tmp/ca.crt',
      defaultDeadline: 2500,
      keepAliveInterval: -1,
      keepAliveTimeout: 20000,
      connectionName: 'my app',
      hosts: [{ host: 'db.example', port: 1234 }],
      dnsDiscover: false,
      nodePreference: undefined,
      maxDiscoverAttempts: undefined,
      discoveryInterval: undefined,
      gossipTimeout: undefined,
    });
  });

  test('several seeds, each with its own or the default port (NODE parseHosts)', () => {
    expect(parseConnectionString('esdb://h1:1111, h2 ,h3:3333?tls=false')).toMatchObject({
      host: 'h1',
      port: 1111,
      hosts: [
        { host: 'h1', port: 1111 },
        { host: 'h2', port: 2113 },
        { host: 'h3', port: 3333 },
      ],
      dnsDiscover: false,
      tls: false,
    });
  });

  test('+discover schemes turn DNS discovery on', () => {
    for (const scheme of ['esdb+discover', 'kurrentdb+discover', 'KDB+DISCOVER']) {
      expect(parseConnectionString(`${scheme}://cluster.example:2114`)).toMatchObject({
        hosts: [{ host: 'cluster.example', port: 2114 }],
        dnsDiscover: true,
      });
    }
  });

  test('discovery options: names matched like NODE, preference in any case, units as NODE', () => {
    expect(
      parseConnectionString(
        'esdb://h1,h2?NodePreference=ReadOnlyReplica&max-discover-attempts=3&discovery_interval=250&gossipTimeout=2',
      ),
    ).toMatchObject({
      nodePreference: 'readOnlyReplica',
      maxDiscoverAttempts: 3,
      discoveryInterval: 250,
      gossipTimeout: 2,
    });
    for (const preference of ['leader', 'FOLLOWER', 'random']) {
      expect(parseConnectionString(`esdb://h?nodePreference=${preference}`).nodePreference).toBe(
        preference.toLowerCase(),
      );
    }
  });

  test.each(['esdb', 'kurrentdb', 'kurrent', 'kdb', 'ESDB'])('accepts the %s scheme', (scheme) => {
    expect(parseConnectionString(`${scheme}://h:1`).host).toBe('h');
  });

  test('option keys match like NODE: any case, dashes and underscores ignored', () => {
    const parsed = parseConnectionString('esdb://h?TLS=False&tls_verify_cert=true&Default-Deadline=5');
    expect(parsed).toMatchObject({ tls: false, tlsVerifyCert: true, defaultDeadline: 5 });
  });

  test('percent-encoded credentials, a password holding a colon, a trailing slash', () => {
    const parsed = parseConnectionString('esdb://us%40er:pa:ss%2F%3F@h:2113/?tls=true');
    expect(parsed.credentials).toEqual({ username: 'us@er', password: 'pa:ss/?' });
    expect(parsed.tls).toBe(true);
    expect(parseConnectionString('esdb://h/').host).toBe('h');
  });

  test('an IPv6 literal', () => {
    expect(parseConnectionString('esdb://[::1]:2114?tls=false')).toMatchObject({ host: '[::1]', port: 2114 });
    expect(parseConnectionString('esdb://[::1]')).toMatchObject({ host: '[::1]', port: 2113 });
  });

  test.each([
    [42, TypeError, /uri must be a string/],
    ['localhost:2113', TypeError, /must start with esdb:\/\//],
    ['http://h', TypeError, /unknown scheme 'http'/],
    ['esdb+discover://h1,h2', TypeError, /takes one host/],
    ['http+discover://h', TypeError, /unknown scheme 'http\+discover'/],
    ['esdb://h1,', TypeError, /host is missing/],
    ['esdb://h1:2113,h2:x', TypeError, /port is not a number/],
    ['esdb://', TypeError, /host is missing/],
    ['esdb://h:port', TypeError, /port is not a number/],
    ['esdb://h:0', RangeError, /port must be between 1 and 65535/],
    ['esdb://h:70000', RangeError, /port must be between 1 and 65535/],
    ['esdb://h/path', TypeError, /path is not allowed/],
    ['esdb://h#x', TypeError, /fragment/],
    ['esdb://h?tls=yes', TypeError, /'tls' must be true or false/],
    ['esdb://h?tls', TypeError, /'tls' has no value/],
    ['esdb://h?defaultDeadline=10s', TypeError, /'defaultDeadline' must be an integer/],
    ['esdb://h?defaultDeadline=0', RangeError, /defaultDeadline' must be positive/],
    ['esdb://h?keepAliveInterval=-2', RangeError, /keepAliveInterval' must be -1/],
    ['esdb://h?foo=1', TypeError, /unknown option 'foo'/],
    ['esdb://h?nodePreference=primary', TypeError, /'nodePreference' must be one of leader, follower/],
    ['esdb://h?maxDiscoverAttempts=0', RangeError, /'maxDiscoverAttempts' must be a positive integer/],
    ['esdb://h?discoveryInterval=-1', RangeError, /'discoveryInterval' must be 0 or a positive/],
    ['esdb://h?gossipTimeout=1.5', TypeError, /'gossipTimeout' must be an integer \(seconds\)/],
    ['esdb://h?throwOnAppendFailure=false', TypeError, /'throwOnAppendFailure' is not supported/],
    ['esdb://h?userCertFile=/x', TypeError, /'userCertFile' is not supported/],
    ['esdb://h?connectionName=caf%C3%A9', TypeError, /'connectionName' must be printable ASCII/],
    ['esdb://admin@h', TypeError, /user info must be 'username:password'/],
    ['esdb://:secret@h', TypeError, /user info must be 'username:password'/],
  ])('rejects %p', (uri, errorType, message) => {
    expect(() => parseConnectionString(uri)).toThrow(errorType);
    expect(() => parseConnectionString(uri)).toThrow(message);
  });

  test.each([
    'esdb://admin:s3cr3t@h:notaport',
    'esdb://admin:s3cr3t@@h',
    'esdb://admin:s3c/r3t@h',
    'esdb://admin:s3c?r3t@h',
    'esdb://admin:s3c#r3t@h',
    'esdb://admin:s3cr3t%zz@h',
    'esdb://admin:s3cr3t@h?foo=1',
    'esdb://admin:s3cr3t@h1,h2:x',
    'esdb+discover://admin:s3cr3t@h1,h2',
    'esdb://admin:s3cr3t',
    'esdb://admin:s3:cr3t',
    'esdb://admin:s3cr3t,h2',
    'esdb://[admin:s3cr3t',
    'esdb://admin:3333333333',
  ])('never shows the password in an error: %s', (uri) => {
    let message = '';
    try {
      parseConnectionString(uri);
    } catch (error) {
      message = String(error);
    }
    expect(message).not.toBe('');
    expect(message).not.toMatch(/s3c|3333/);
  });
});

describe('client settings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'esdbclient-settings-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('one esdb:// host is dialled directly; several hosts or +discover discover, with NODE defaults', () => {
    expect(settingsOf({ uri: 'esdb://h' })).toMatchObject({ discovery: undefined, nodePreference: 'leader' });
    expect(settingsOf({ uri: 'esdb://h1,h2:2114?tls=false' }).discovery).toEqual({
      seeds: [
        { host: 'h1', port: 2113 },
        { host: 'h2', port: 2114 },
      ],
      dnsDiscover: false,
      nodePreference: 'leader',
      maxDiscoverAttempts: 10,
      discoveryInterval: 100,
      gossipTimeout: 5,
    });
    expect(settingsOf({ uri: 'esdb+discover://c?nodePreference=follower' })).toMatchObject({
      nodePreference: 'follower',
      discovery: { seeds: [{ host: 'c', port: 2113 }], dnsDiscover: true, nodePreference: 'follower' },
    });
    expect(settingsOf({ host: 'h' }).discovery).toBeUndefined();
  });

  test("defaults are the official clients': TLS verified, 10 s deadline, 10 s keepalive, random name", () => {
    const settings = settingsOf({ uri: 'esdb://h' });
    expect(settings).toMatchObject({
      host: 'h',
      port: 2113,
      tls: true,
      tlsVerifyCert: true,
      rootCertificate: undefined,
      credentials: undefined,
      defaultDeadline: 10_000,
      keepAliveInterval: 10_000,
      keepAliveTimeout: 10_000,
    });
    expect(settings.connectionName).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(settingsOf({ host: 'h' })).toMatchObject({
      port: 2113,
      tls: false,
      tlsVerifyCert: true,
      defaultDeadline: 10_000,
    });
  });

  describe("the seed's host options", () => {
    const cert = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n';

    test('host and port alone mean an insecure server: cleartext', () => {
      expect(settingsOf({ host: 'h', port: 2113 })).toMatchObject({ tls: false, credentials: undefined });
    });

    test('serverCert means TLS, verified against it, and carries the credentials', () => {
      const settings = settingsOf({ host: 'h', serverCert: cert, username: 'admin', password: 'changeit' });
      expect(settings).toMatchObject({ tls: true, credentials: { username: 'admin', password: 'changeit' } });
      expect(settings.rootCertificate?.toString()).toBe(cert);
    });

    test('tls overrides the default either way', () => {
      expect(settingsOf({ host: 'h', tls: true })).toMatchObject({ tls: true, rootCertificate: undefined });
      expect(settingsOf({ host: 'h', tls: false, username: 'u', password: 'p' })).toMatchObject({
        tls: false,
      });
      expect(() => settingsOf({ host: 'h', tls: false, serverCert: cert })).toThrow(
        /serverCert .* cannot go with tls: false/,
      );
    });

    test('credentials without TLS are a TypeError, never sent in cleartext', () => {
      expect(() => settingsOf({ host: 'h', username: 'admin', password: 'changeit' })).toThrow(
        new TypeError(
          'EsdbClient options: username and password are sent only over TLS; give serverCert (or tls: true) ' +
            'for a secure server, or leave them out for an insecure one',
        ),
      );
      expect(settingsOf({ host: 'h', tls: true, username: 'u', password: 'p' }).credentials).toEqual({
        username: 'u',
        password: 'p',
      });
    });
  });

  test('tlsCAFile is read (relative to the working directory) as the trusted root', () => {
    const path = join(dir, 'ca.crt');
    writeFileSync(path, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const settings = settingsOf({ uri: `esdb://h?tlsCAFile=${encodeURIComponent(path)}` });
    expect(settings.rootCertificate?.toString()).toContain('BEGIN CERTIFICATE');
    expect(() => settingsOf({ uri: `esdb://h?tlsCAFile=${join(dir, 'missing.crt')}` })).toThrow(
      /cannot read the tlsCAFile/,
    );
    // On a cleartext connection the file is not needed, as NODE ignores it there.
    expect(
      settingsOf({ uri: `esdb://h?tls=false&tlsCAFile=${join(dir, 'missing.crt')}` }).rootCertificate,
    ).toBeUndefined();
  });

  test('host options: serverCert is the trusted root; credentials go together', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n';
    const settings = settingsOf({ host: 'h', port: 1, serverCert: pem, username: 'u', password: 'p' });
    expect(settings.rootCertificate?.toString()).toBe(pem);
    expect(settings.credentials).toEqual({ username: 'u', password: 'p' });
    // Optional options may be passed as undefined, as when they come from unset environment variables.
    expect(
      settingsOf({ host: 'h', port: 1, serverCert: undefined, username: undefined, password: undefined }),
    ).toMatchObject({
      credentials: undefined,
      rootCertificate: undefined,
    });
  });

  test.each([
    [undefined, TypeError, /options must be an object/],
    [{}, TypeError, /host must be a non-empty string/],
    [{ host: '' }, TypeError, /host must be a non-empty string/],
    [{ host: 'h', port: '2113' }, TypeError, /port must be an integer/],
    [{ host: 'h', port: 0 }, RangeError, /port must be between/],
    [{ host: 'h', serverCert: 'not pem' }, TypeError, /serverCert must be PEM/],
    [{ host: 'h', username: 'u' }, TypeError, /password must be a string/],
    [{ host: 'h', password: 'p' }, TypeError, /username must be a non-empty string/],
    [{ host: 'h', tls: 'false' }, TypeError, /tls must be a boolean/],
    [{ host: 'h', defaultDeadline: -1 }, RangeError, /defaultDeadline must be positive/],
    [{ host: 'h', keepAliveTimeout: 1.5 }, TypeError, /keepAliveTimeout must be an integer/],
    [{ host: 'h', hots: 1 }, TypeError, /unknown option 'hots'/],
    [{ host: 'h', connectionName: 'line\nbreak' }, TypeError, /connectionName must be printable ASCII/],
    [{ uri: 'esdb://h', host: 'h' }, TypeError, /unknown option 'host'/],
  ])('rejects %p', (options, errorType, message) => {
    expect(() => new EsdbClient(options as never)).toThrow(errorType);
    expect(() => new EsdbClient(options as never)).toThrow(message);
  });

  test.each([
    ['a newline', 'localhost\nX-Injected: 1'],
    ['an @', 'admin:s3cret@localhost'],
    ['a bare colon', 's3cret:localhost'],
    ['a port in the host', 'localhost:2113'],
    ['a path', 'localhost/s3cret'],
    ['a space inside', 'local s3cret'],
    ['a malformed IPv6 literal', '[::1'],
  ])('rejects a host with %s, without quoting it', (_, host) => {
    let error: unknown;
    try {
      settingsOf({ host, port: 2113 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    const text = `${String(error)}\n${(error as Error).stack ?? ''}`;
    expect(text).toMatch(/host must be a host name or an IP address/);
    expect(text).not.toContain(host);
    expect(text).not.toContain('s3cret');
  });

  test.each([
    ['a name', 'node-1.example.com', 'node-1.example.com'],
    ['an IPv4 address', '127.0.0.1', '127.0.0.1'],
    ['a bare IPv6 address', '::1', '::1'],
    ['a bracketed IPv6 address', '[fe80::1]', '[fe80::1]'],
    ['surrounding spaces', ' localhost ', 'localhost'],
  ])('accepts a host that is %s', (_, host, kept) => {
    expect(settingsOf({ host, port: 2113 }).host).toBe(kept);
  });

  test('a wrong password is never echoed', () => {
    let message = '';
    try {
      settingsOf({ host: 'h', username: 42, password: 'hunter2' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/username/);
    expect(message).not.toContain('hunter2');
  });
});
