/**
 * The client's one gRPC channel and the headers of its calls (docs/protocol.md §4): cleartext HTTP/2 or TLS,
 * keepalive as the official clients set it, `connection-name` on every call, and Basic credentials on TLS
 * connections only (NODE and PY drop credentials on cleartext connections).
 */
import { type Channel, ChannelCredentials, type ChannelOptions, createChannel, Metadata } from 'nice-grpc';
import { withResponseChecks } from '../wire/checked-channel.js';
import type { BasicCredentials, ConnectionSettings } from './connection-settings.js';

/**
 * The largest message the client accepts: 17 MiB, as NODE sets it, so that any event the server could store
 * (up to 16 MiB) can be read.
 */
const MAX_RECEIVE_MESSAGE_LENGTH = 17 * 1024 * 1024;

/** Opens the channel of a client, with the response checks grpc-js lacks. grpc-js connects lazily, on the first call. */
export function openChannel(settings: ConnectionSettings): Channel {
  const credentials = settings.tls
    ? ChannelCredentials.createSsl(
        settings.rootCertificate ?? null,
        null,
        null,
        settings.tlsVerifyCert ? {} : { rejectUnauthorized: false },
      )
    : ChannelCredentials.createInsecure();
  const options: ChannelOptions = { 'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_LENGTH };
  // -1 disables keepalive (NODE): leave the option out, grpc-js then sends no pings.
  if (settings.keepAliveInterval >= 0) options['grpc.keepalive_time_ms'] = settings.keepAliveInterval;
  if (settings.keepAliveTimeout >= 0) options['grpc.keepalive_timeout_ms'] = settings.keepAliveTimeout;
  // An IPv6 address given without brackets (host options) needs them in a target.
  const host =
    settings.host.includes(':') && !settings.host.startsWith('[') ? `[${settings.host}]` : settings.host;
  // grpc-js checks neither that the last message is complete nor the content-type (§4.1).
  return withResponseChecks(createChannel(`${host}:${settings.port}`, credentials, options));
}

/** `authorization: Basic base64(UTF-8 "username:password")` (§4). */
function basicAuthorization(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/** The headers of every call of a client: `connection-name`, and Basic credentials over TLS only. */
function clientMetadataOf(settings: ConnectionSettings): Metadata {
  const metadata = Metadata({ 'connection-name': settings.connectionName });
  if (settings.tls && settings.credentials !== undefined) {
    metadata.set('authorization', basicAuthorization(settings.credentials));
  }
  return metadata;
}

const STREAMS_SERVICE = '/event_store.client.streams.Streams/';
const STREAMS_READ = `${STREAMS_SERVICE}Read`;

/**
 * The headers of a call, by method: the client's, plus `requires-leader` on Streams calls (§4) — `true` on
 * writes (PY forces it for writes and deletes) and on reads when the node preference is the leader, so that a
 * follower answers `not-leader` with the leader's address instead of serving the call itself. Made once per
 * client: calls share them, and nothing changes them.
 */
export function callMetadataOf(settings: ConnectionSettings): (methodPath: string) => Metadata {
  const base = clientMetadataOf(settings);
  const write = Metadata(base).set('requires-leader', 'true');
  const read = Metadata(base).set('requires-leader', settings.nodePreference === 'leader' ? 'true' : 'false');
  return (methodPath) =>
    methodPath === STREAMS_READ ? read : methodPath.startsWith(STREAMS_SERVICE) ? write : base;
}
