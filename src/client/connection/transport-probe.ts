/**
 * Probes that tell which transport a server speaks, run only after a connection to it failed: grpc-js reports
 * a TLS/cleartext mismatch as an OpenSSL code ("wrong version number") or as a bare "Failed to connect", which
 * does not tell the user what to change. Each probe opens one short-lived socket and gives up after a timeout.
 */
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Endpoint } from '../discovery/discovery-settings.js';

/** How long a probe waits for an answer. */
const PROBE_TIMEOUT_MS = 2_000;

/** The HTTP/2 connection preface (RFC 9113 section 3.4) followed by an empty SETTINGS frame. */
const CLEARTEXT_HTTP2_GREETING = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

/** The type of an HTTP/2 SETTINGS frame: the first frame a server sends. */
const SETTINGS_FRAME_TYPE = 4;

/** Resolves with the probe's verdict, or `false` when the socket fails or the timeout passes first. */
function probe(
  socket: Socket,
  onData: (data: Buffer) => boolean | undefined,
  ready: string,
): Promise<boolean> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const finish = (verdict: boolean): void => {
      socket.destroy();
      resolve(verdict);
    };
    const fail = (): void => {
      finish(false);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, fail);
    socket.once('error', fail);
    socket.once('close', fail);
    socket.once(ready, () => {
      const verdict = onData(Buffer.alloc(0));
      if (verdict !== undefined) finish(verdict);
    });
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const verdict = onData(received);
      if (verdict !== undefined) finish(verdict);
    });
  });
}

/** Whether the server completes a TLS handshake (its certificate is not checked: only the protocol matters). */
export function speaksTls(endpoint: Endpoint): Promise<boolean> {
  const socket = tlsConnect({
    host: endpoint.host,
    port: endpoint.port,
    rejectUnauthorized: false,
    ALPNProtocols: ['h2'],
    // A server name must be a host name (RFC 6066); Node warns when it is an address.
    ...(isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
  });
  return probe(socket, () => true, 'secureConnect');
}

/** Whether the server answers a cleartext HTTP/2 greeting with its SETTINGS frame, as an insecure node does. */
export function speaksCleartextHttp2(endpoint: Endpoint): Promise<boolean> {
  const socket = tcpConnect({ host: endpoint.host, port: endpoint.port });
  socket.once('connect', () => {
    socket.write(CLEARTEXT_HTTP2_GREETING);
  });
  // A frame header is 9 bytes; its fourth byte is the frame type.
  return probe(socket, (data) => (data.length < 9 ? undefined : data[3] === SETTINGS_FRAME_TYPE), 'connect');
}
