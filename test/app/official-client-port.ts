/** The order application's event store over the official client, `@kurrent/kurrentdb-client`. */
import {
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  NotFoundError,
  START,
  StreamNotFoundError,
  jsonEvent,
  type AppendStreamState,
  type KurrentDBClient,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';

import {
  NO_ANSWER,
  STATUS_DEADLINE_MS,
  type EventRead,
  type EventStorePort,
  type EventToWrite,
} from './event-store-port.js';

function eventRead({ event, link }: ResolvedEvent): EventRead {
  if (event === undefined) throw new Error('the official client returned a link whose event is gone');
  return {
    id: event.id,
    streamName: event.streamId,
    streamPosition: event.revision,
    type: event.type,
    data: event.data,
    link: link === undefined ? undefined : { streamName: link.streamId, streamPosition: link.revision },
  };
}

/** An {@link EventStorePort} over `client`, which the caller owns and disposes of. */
export function officialClientPort(client: KurrentDBClient): EventStorePort {
  const append = async (
    streamName: string,
    events: readonly EventToWrite[],
    streamState: AppendStreamState,
  ) => {
    const data = events.map(({ id, type, data: body }) => jsonEvent({ id, type, data: body }));
    await client.appendToStream(streamName, data, { streamState });
  };
  return {
    appendToNewStream: (streamName, events) => append(streamName, events, NO_STREAM),
    appendToStream: (streamName, events) => append(streamName, events, ANY),
    async readStream(streamName, resolveLinks) {
      const read: EventRead[] = [];
      try {
        const events = client.readStream(streamName, { fromRevision: START, resolveLinkTos: resolveLinks });
        for await (const resolved of events) read.push(eventRead(resolved));
      } catch (error: unknown) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return read;
    },
    createProjection: (name, query) => client.createProjection(name, query),
    updateProjection: (name, query) => client.updateProjection(name, query),
    projectionState: (name, partition) => client.getProjectionState(name, { partition }),
    projectionResult: (name, partition) => client.getProjectionResult(name, { partition }),
    async projectionStatus(name) {
      try {
        return (await client.getProjectionStatus(name, { deadline: STATUS_DEADLINE_MS })).status;
      } catch (error: unknown) {
        if (error instanceof NotFoundError) return undefined;
        if (error instanceof DeadlineExceededError) return NO_ANSWER;
        throw error;
      }
    },
    disableProjection: (name) => client.disableProjection(name),
    enableProjection: (name) => client.enableProjection(name),
    resetProjection: (name) => client.resetProjection(name),
    deleteProjection: (name) =>
      client.deleteProjection(name, { deleteStateStream: true, deleteCheckpointStream: true }),
    restartProjectionsSubsystem: () => client.restartSubsystem(),
  };
}
