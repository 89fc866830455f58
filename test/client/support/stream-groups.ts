/**
 * Persistent subscription groups on a stream, which the client cannot create yet (createStreamSubscription is
 * to come): made through the raw generated PersistentSubscriptions client on the target's server, with the
 * settings createSubscription gives groups on `$all` (docs/protocol.md §3.14 table, PY column).
 */
import { ChannelCredentials, createChannel, createClient, Metadata } from 'nice-grpc';
import { PersistentSubscriptionsDefinition } from '../../../src/generated/persistent.js';
import type { ClientTarget } from './target.js';

/** Where a new stream group starts: the first event, the end, or a stream position. */
export type StreamGroupStart = 'start' | 'end' | bigint;

/** Creates the group `groupName` on `streamName`, as the target's user. */
export async function createStreamGroup(
  target: ClientTarget,
  streamName: string,
  groupName: string,
  start: StreamGroupStart = 'start',
): Promise<void> {
  const options = target.hostOptions;
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
    await createClient(PersistentSubscriptionsDefinition, channel).create(
      {
        options: {
          streamOption: {
            $case: 'stream',
            value: {
              streamIdentifier: { streamName: Buffer.from(streamName) },
              revisionOption:
                typeof start === 'bigint' ? { $case: 'revision', value: start } : { $case: start, value: {} },
            },
          },
          groupName,
          settings: {
            maxRetryCount: 10,
            minCheckpointCount: 10,
            maxCheckpointCount: 1_000,
            maxSubscriberCount: 5,
            liveBufferSize: 500,
            readBatchSize: 200,
            historyBufferSize: 500,
            messageTimeout: { $case: 'messageTimeoutMs', value: 30_000 },
            checkpointAfter: { $case: 'checkpointAfterMs', value: 2_000 },
            consumerStrategy: 'DispatchToSingle',
          },
        },
      },
      { metadata },
    );
  } finally {
    channel.close();
  }
}
