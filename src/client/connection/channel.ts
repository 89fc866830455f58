/**
 * The client's one gRPC channel and the headers of its calls (docs/protocol.md §4): cleartext HTTP/2 or TLS,
 * keepalive as the official clients set it (also between calls, and bounding connection attempts, §4.2),
 * `connection-name` on every call, and Basic credentials on TLS connections only (NODE and PY drop credentials
 * on cleartext connections).
 */
import { type Channel, ChannelCredentials, type ChannelOptions, createChannel, Metadata } from 'nice-grpc';
import { withResponseChecks } from '../wire/checked-channel.js';
import type { BasicCredentials, ConnectionSettings } from './connection-settings.js';

/**
 * The largest message the client accepts: 17 MiB, as NODE sets it, so that any event the server could store
 * (up to 16 MiB) can be read.
 */
const MAX_RECEIVE_MESSAGE_LENGTH = 17 * 1024 * 1024;

/** setTimeout's longest wait (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  const options: ChannelOptions = {
    'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_LENGTH,
    // grpc-js shares connections between channels with equal options through a process-wide pool, backoff
    // included (§4.2): a channel made to replace a broken one (NodeConnection) must dial afresh.
    'grpc.use_local_subchannel_pool': 1,
  };
  // -1 disables keepalive (NODE): leave the option out, grpc-js then sends no pings.
  if (settings.keepAliveInterval >= 0) {
    options['grpc.keepalive_time_ms'] = settings.keepAliveInterval;
    // Also between calls, so that a connection that died while idle is known dead before the next call.
    options['grpc.keepalive_permit_without_calls'] = 1;
  }
  // Left out, grpc-js would wait 20 s for a ping's answer; -1 means no limit, so the longest a timer can wait.
  options['grpc.keepalive_timeout_ms'] =
    settings.keepAliveTimeout >= 0 ? settings.keepAliveTimeout : MAX_TIMER_MS;
  // Keepalive watches established connections only. A server that accepts connections but never completes the
  // HTTP/2 handshake (hung) is given as long as a silent established one: nice-grpc reads this option as the
  // limit of a connection attempt (20 s by default), since grpc-js itself sets none (§4.2).
  if (settings.keepAliveInterval >= 0 && settings.keepAliveTimeout >= 0) {
    options['grpc.min_reconnect_backoff_ms'] = settings.keepAliveInterval + settings.keepAliveTimeout;
  }
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
const PROJECTIONS_SERVICE = '/event_store.client.projections.Projections/';

/**
 * The headers of a call, by method: the client's, plus `requires-leader` on Streams calls (§4) — `true` on
 * writes (PY forces it for writes and deletes) and on reads when the node preference is the leader, so that a
 * follower answers `not-leader` with the leader's address instead of serving the call itself — and `true` on
 * every Projections call, as PY sends it (§3.17.1; a 24.10 server reads it in Streams only). Made once per
 * client: calls share them, and nothing changes them.
 */
export function callMetadataOf(settings: ConnectionSettings): (methodPath: string) => Metadata {
  const base = clientMetadataOf(settings);
  const leaderRequired = Metadata(base).set('requires-leader', 'true');
  const read = Metadata(base).set('requires-leader', settings.nodePreference === 'leader' ? 'true' : 'false');
  return (methodPath) => {
    if (methodPath === STREAMS_READ) return read;
    const leaderOnly = methodPath.startsWith(STREAMS_SERVICE) || methodPath.startsWith(PROJECTIONS_SERVICE);
    return leaderOnly ? leaderRequired : base;
  };
}
