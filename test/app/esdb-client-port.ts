/** The order application's event store over our client, `EsdbClient` (src/client). */
import {
  DeadlineExceededError,
  EsdbClient,
  NewEvent,
  ProjectionNotFoundError,
  StreamNotFoundError,
  type RecordedEvent,
} from '../../src/client/index.js';
import {
  NO_ANSWER,
  STATUS_DEADLINE_MS,
  type EventRead,
  type EventStorePort,
  type EventToWrite,
} from './event-store-port.js';

function newEvents(events: readonly EventToWrite[]): NewEvent[] {
  return events.map(({ id, type, data }) => NewEvent.json({ id, type, data }));
}

function eventRead(event: RecordedEvent): EventRead {
  return {
    id: event.id,
    streamName: event.streamName,
    streamPosition: event.streamPosition,
    type: event.type,
    data: event.json(),
    link:
      event.link === undefined
        ? undefined
        : { streamName: event.link.streamName, streamPosition: event.link.streamPosition },
  };
}

/** An {@link EventStorePort} over `client`, which the caller owns and closes. */
export function esdbClientPort(client: EsdbClient): EventStorePort {
  return {
    async appendToNewStream(streamName, events) {
      await client.appendEvents({ streamName, expectedPosition: null, events: newEvents(events) });
    },
    async appendToStream(streamName, events) {
      await client.appendEvents({ streamName, expectedPosition: -1, events: newEvents(events) });
    },
    async readStream(streamName, resolveLinks) {
      try {
        return (await client.readStreamEvents({ streamName, resolveLinks }).toArray()).map(eventRead);
      } catch (error: unknown) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
    },
    createProjection: (name, query) => client.createProjection({ name, query }),
    updateProjection: (name, query) => client.updateProjection({ name, query }),
    projectionState: (name, partition) => client.getProjectionState({ name, partition }),
    projectionResult: (name, partition) => client.getProjectionResult({ name, partition }),
    async projectionStatus(name) {
      try {
        return (await client.getProjectionStatistics({ name, timeout: STATUS_DEADLINE_MS })).status;
      } catch (error: unknown) {
        if (error instanceof ProjectionNotFoundError) return undefined;
        if (error instanceof DeadlineExceededError) return NO_ANSWER;
        throw error;
      }
    },
    disableProjection: (name) => client.disableProjection({ name }),
    enableProjection: (name) => client.enableProjection({ name }),
    resetProjection: (name) => client.resetProjection({ name }),
    deleteProjection: (name) =>
      client.deleteProjection({ name, deleteStateStream: true, deleteCheckpointStream: true }),
    restartProjectionsSubsystem: () => client.restartProjectionsSubsystem(),
  };
}
