/**
 * Operations the client does not offer yet (deleting streams), done on the same server through the raw
 * generated protocol client, to set up the cases the client must handle.
 */
import { ChannelCredentials, createChannel, createClient, Metadata } from 'nice-grpc';
import { StreamsDefinition } from '../../../src/generated/streams.js';
import type { ClientTarget } from './target.js';

/** Runs `use` with a raw Streams client on the target, authenticated as the target's user over TLS. */
async function withStreams<T>(
  target: ClientTarget,
  use: (streams: ReturnType<typeof createClient<typeof StreamsDefinition>>, metadata: Metadata) => Promise<T>,
): Promise<T> {
  const options = target.hostOptions;
  // The seed's rule: TLS with a server certificate (or when asked for).
  const tls = options.tls ?? options.serverCert !== undefined;
  const channel = createChannel(
    `${options.host}:${options.port ?? 2113}`,
    tls
      ? ChannelCredentials.createSsl(
          options.serverCert === undefined ? null : Buffer.from(options.serverCert),
        )
      : ChannelCredentials.createInsecure(),
  );
  try {
    const metadata = Metadata();
    if (tls && options.username !== undefined) {
      const basic = Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64');
      metadata.set('authorization', `Basic ${basic}`);
    }
    return await use(createClient(StreamsDefinition, channel), metadata);
  } finally {
    channel.close();
  }
}

/** Tombstones (hard-deletes) a stream. */
export async function tombstone(target: ClientTarget, streamName: string): Promise<void> {
  await withStreams(target, (streams, metadata) =>
    streams.tombstone(
      {
        options: {
          streamIdentifier: { streamName: Buffer.from(streamName) },
          expectedStreamRevision: { $case: 'any', value: {} },
        },
      },
      { metadata },
    ),
  );
}

/** Soft-deletes a stream. */
export async function softDelete(target: ClientTarget, streamName: string): Promise<void> {
  await withStreams(target, (streams, metadata) =>
    streams.delete(
      {
        options: {
          streamIdentifier: { streamName: Buffer.from(streamName) },
          expectedStreamRevision: { $case: 'any', value: {} },
        },
      },
      { metadata },
    ),
  );
}
