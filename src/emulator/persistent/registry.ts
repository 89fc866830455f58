import type { EventStore } from '../store/event-store.js';
import type { StoredEvent } from '../store/stored-event.js';
import { Consumer, type ConsumerConnection, type ConsumerDetails } from './consumer.js';
import { isConsumerStrategyName } from './consumer-strategy.js';
import { filterFromDescription } from './event-filter.js';
import {
  allSource,
  positionFromText,
  sourceName,
  sourceTakesLive,
  streamSource,
  type EventSource,
} from './event-source.js';
import { PersistentSubscriptionGroup } from './group.js';
import type { NackAction } from './message-settler.js';
import type { GroupCommand } from './group-request.js';
import type { GroupSettings } from './group-settings.js';
import type { GroupInfo } from './group-statistics.js';
import { ALL_STREAM, groupKey } from './names.js';
import { resolveFor } from './resolved-event.js';
import { SerialExecutor } from './serial-executor.js';
import { createConsumerStrategy } from './strategy-factory.js';
import { SubscriptionConfig, type ConfigEntry } from './subscription-config.js';
import { positionText, type SubscriptionPosition } from './subscription-position.js';

/** How a Create, Update, Delete or ReplayParked ended (the server's `...Completed` results). */
export type ManagementOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'fail'; readonly reason: string }
  | { readonly kind: 'exists' }
  | { readonly kind: 'does-not-exist' };

/** How a Read's connection attempt ended (`ConnectToPersistentSubscription`). */
export type ConnectOutcome =
  | { readonly kind: 'connected'; readonly subscriptionId: string; readonly consumer: Consumer }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'max-subscribers' };

/** Knobs for tests; the defaults are the server's. */
export interface RegistryOptions {
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** The subsystem's clock tick; the server ticks every 1000 ms (PersistentSubscriptionService.cs). */
  readonly tickMs?: number;
}

const ALL_ONLY_OVER_GRPC =
  'Persistent subscriptions to $all are only supported over gRPC through gRPC clients';
const BAD_STREAM_NAME = 'Bad stream name.';
const INT64_MIN = -9223372036854775808n;

/**
 * The persistent-subscription subsystem of one node (server: PersistentSubscriptionService.cs, as in 24.10):
 * the groups by source and by key, their configuration stream, live events from the store, and the clock that
 * times messages out. All its work runs one piece at a time.
 */
export class PersistentSubscriptionRegistry {
  /** Groups by source, in the order sources first got a group; a source keeps its entry when emptied. */
  private topics = new Map<string, PersistentSubscriptionGroup[]>();
  private groups = new Map<string, PersistentSubscriptionGroup>();
  private readonly config: SubscriptionConfig;
  private readonly executor = new SerialExecutor();
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly stopListening: () => void;

  constructor(
    private readonly store: EventStore,
    options: RegistryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.config = new SubscriptionConfig(store);
    this.executor.execute(() => {
      this.loadGroups();
    });
    this.stopListening = store.onCommit((records) => {
      this.executor.post(() => {
        this.processCommitted(records);
      });
    });
    this.timer = setInterval(() => {
      this.executor.post(() => {
        this.tick();
      });
    }, options.tickMs ?? 1000);
    this.timer.unref();
  }

  /** Creates a group (§3.14 Create). */
  create(command: GroupCommand, username: string | undefined): ManagementOutcome {
    return this.executor.execute(() => {
      const refusal = refuseStreamName(command);
      if (refusal !== undefined) return refusal;
      const source = command.kind === 'stream' ? streamSource(command.streamName) : allSource(command.filter);
      const { settings, startFrom, groupName } = command;
      const invalid = this.validate(settings, startFrom);
      if (invalid !== undefined) return invalid;
      const key = groupKey(sourceName(source), groupName);
      if (this.groups.has(key)) return { kind: 'exists' };
      const created = this.newGroup(source, groupName, startFrom, settings);
      if (created.kind === 'fail') return created;
      this.putGroup(created.group);
      this.config.put(username, configEntryOf(created.group));
      this.config.save();
      return { kind: 'success' };
    });
  }

  /**
   * Replaces a group with new settings (§3.14 Update): its consumers are dropped and the new group resumes from
   * the last checkpoint. A `$all` group keeps its filter.
   */
  update(command: GroupCommand, username: string | undefined): ManagementOutcome {
    return this.executor.execute(() => {
      const refusal = refuseStreamName(command);
      if (refusal !== undefined) return refusal;
      const name = command.kind === 'stream' ? command.streamName : ALL_STREAM;
      const old = this.groups.get(groupKey(name, command.groupName));
      if (old === undefined) return { kind: 'does-not-exist' };
      const invalid = this.validate(command.settings, command.startFrom);
      if (invalid !== undefined) return invalid;
      const source =
        command.kind === 'stream'
          ? streamSource(command.streamName)
          : allSource(old.source.kind === 'all' ? old.source.filter : undefined);
      const created = this.newGroup(source, command.groupName, command.startFrom, command.settings);
      if (created.kind === 'fail') return created;
      old.shutdown();
      this.replaceGroup(old, created.group);
      this.config.put(username, configEntryOf(created.group));
      this.config.save();
      return { kind: 'success' };
    });
  }

  /** Deletes a group, drops its consumers and soft-deletes its checkpoint and parked streams (§3.14 Delete). */
  delete(
    source: { readonly kind: 'stream'; readonly streamName: string } | { readonly kind: 'all' },
    groupName: string,
    username: string | undefined,
  ): ManagementOutcome {
    return this.executor.execute(() => {
      if (source.kind === 'stream') {
        if (source.streamName === '') return { kind: 'fail', reason: BAD_STREAM_NAME };
        if (source.streamName === ALL_STREAM) return { kind: 'fail', reason: ALL_ONLY_OVER_GRPC };
      }
      const name = source.kind === 'stream' ? source.streamName : ALL_STREAM;
      const group = this.groups.get(groupKey(name, groupName));
      if (group === undefined) return { kind: 'does-not-exist' };
      group.shutdown();
      this.removeGroup(group);
      this.config.remove(username, name, groupName);
      group.deleteStreams();
      this.config.save();
      return { kind: 'success' };
    });
  }

  /**
   * Connects a Read call to a group (§3.14 Read step 2). The consumer's first messages may be delivered before
   * this returns: the caller sends its confirmation first and queues deliveries behind it.
   */
  connect(
    source: string,
    groupName: string,
    details: ConsumerDetails,
    connection: ConsumerConnection,
  ): ConnectOutcome {
    return this.executor.execute((): ConnectOutcome => {
      if (!this.topics.has(source)) return { kind: 'not-found' };
      const group = this.groups.get(groupKey(source, groupName));
      if (group === undefined) return { kind: 'not-found' };
      if (group.hasReachedMaxClientCount) return { kind: 'max-subscribers' };
      const consumer = new Consumer(details, connection, group.settings.extraStatistics);
      group.addConsumer(consumer);
      return { kind: 'connected', subscriptionId: group.key, consumer };
    });
  }

  /** A Read call ended: its consumer leaves whichever group has it, and what it held is retried. */
  disconnect(consumer: Consumer): void {
    this.executor.post(() => {
      for (const group of this.groups.values()) group.removeConsumer(consumer, true);
    });
  }

  /** Acks go to the group by its key, whichever consumer holds the messages (`PersistentSubscriptionAckEvents`). */
  acknowledge(subscriptionId: string, eventIds: readonly string[]): void {
    this.executor.post(() => {
      this.groups.get(subscriptionId)?.acknowledge(eventIds);
    });
  }

  notAcknowledge(
    subscriptionId: string,
    eventIds: readonly string[],
    action: NackAction,
    reason: string,
  ): void {
    this.executor.post(() => {
      this.groups.get(subscriptionId)?.notAcknowledge(eventIds, action, reason);
    });
  }

  /** Starts replaying a group's parked messages (§3.14 ReplayParked). */
  replayParked(source: string, groupName: string, stopAt: bigint | undefined): ManagementOutcome {
    return this.executor.execute((): ManagementOutcome => {
      if (stopAt !== undefined && stopAt < 0n) {
        return { kind: 'fail', reason: 'Cannot stop replaying parked message at a negative version.' };
      }
      const group = this.groups.get(groupKey(source, groupName));
      if (group === undefined) return { kind: 'does-not-exist' };
      group.replayParkedMessages(stopAt);
      return { kind: 'success' };
    });
  }

  /** GetInfo: the group's statistics, or undefined when the source or group is unknown. */
  info(source: string, groupName: string): GroupInfo | undefined {
    return this.executor.execute(() =>
      this.topics
        .get(source)
        ?.find((group) => group.groupName === groupName)
        ?.statisticsSample(),
    );
  }

  /** List for one source: undefined when the source never had a group since the subsystem started. */
  infosOf(source: string): GroupInfo[] | undefined {
    return this.executor.execute(() => this.topics.get(source)?.map((group) => group.statisticsSample()));
  }

  /** List of every group, source by source in the order sources first got a group. */
  allInfos(): GroupInfo[] {
    return this.executor.execute(() =>
      [...this.topics.values()].flatMap((groups) => groups.map((group) => group.statisticsSample())),
    );
  }

  /** RestartSubsystem: drops every consumer, then rebuilds all groups from the configuration stream. */
  restart(): void {
    this.executor.execute(() => {
      for (const group of this.groups.values()) group.shutdown();
      this.loadGroups();
    });
  }

  /** Stops the clock and the live feed and drops every consumer, as a node shutting down does. */
  close(): void {
    clearInterval(this.timer);
    this.stopListening();
    this.executor.execute(() => {
      for (const group of this.groups.values()) group.shutdown();
    });
  }

  private loadGroups(): void {
    this.topics = new Map();
    this.groups = new Map();
    this.config.load();
    for (const entry of this.config.entries) {
      const group = this.groupFromConfig(entry);
      if (group !== undefined && !this.groups.has(group.key)) this.putGroup(group);
    }
  }

  /** What `LoadConfiguration` does with one entry: unknown strategies and unparsable filters are skipped. */
  private groupFromConfig(entry: ConfigEntry): PersistentSubscriptionGroup | undefined {
    if (!isConsumerStrategyName(entry.namedConsumerStrategy)) return undefined;
    let source: EventSource;
    if (entry.stream === ALL_STREAM) {
      let filter;
      try {
        filter = entry.filter === undefined ? undefined : filterFromDescription(entry.filter);
      } catch {
        return undefined;
      }
      if (entry.filter !== undefined && filter === undefined) return undefined;
      source = allSource(filter);
    } else {
      source = streamSource(entry.stream);
    }
    const startFrom = positionFromText(source, entry.startPosition ?? entry.startFrom.toString());
    if (startFrom === undefined) return undefined;
    const settings: GroupSettings = {
      resolveLinkTos: entry.resolveLinkTos,
      extraStatistics: entry.extraStatistics,
      messageTimeoutMs: entry.messageTimeout,
      maxRetryCount: entry.maxRetryCount,
      liveBufferSize: entry.liveBufferSize,
      historyBufferSize: entry.historyBufferSize,
      readBatchSize: entry.readBatchSize,
      checkPointAfterMs: entry.checkPointAfter,
      minCheckPointCount: entry.minCheckPointCount,
      maxCheckPointCount: entry.maxCheckPointCount,
      maxSubscriberCount: entry.maxSubscriberCount,
      consumerStrategy: entry.namedConsumerStrategy,
    };
    const created = this.newGroup(source, entry.group, startFrom, settings);
    return created.kind === 'group' ? created.group : undefined;
  }

  /** The checks of `CreatePersistentSubscription`: a known strategy, then a valid start (`ValidateStartFrom`). */
  private validate(settings: GroupSettings, startFrom: SubscriptionPosition): ManagementOutcome | undefined {
    if (!isConsumerStrategyName(settings.consumerStrategy)) {
      return { kind: 'fail', reason: `Consumer strategy ${settings.consumerStrategy} does not exist.` };
    }
    const invalid = this.invalidStart(startFrom);
    return invalid === undefined ? undefined : { kind: 'fail', reason: invalid };
  }

  private invalidStart(startFrom: SubscriptionPosition): string | undefined {
    if (startFrom.kind === 'stream') {
      return startFrom.eventNumber < -1n
        ? 'Invalid Start From position: event number must be greater than or equal to -1.'
        : undefined;
    }
    const { commit, prepare } = startFrom;
    if (prepare > commit) {
      return 'Invalid Start From position: prepare position must be less than or equal to the commit position.';
    }
    if (commit > this.lastIndexedPosition()) {
      return 'Invalid Start From position: commit position must be less than or equal to the last commit position in the transaction file.';
    }
    if ((prepare <= -1n || commit <= -1n) && !(prepare === -1n && commit === -1n)) {
      return 'Invalid Start From position: prepare and commit positions must be greater than or equal to 0 or both equal to -1.';
    }
    return undefined;
  }

  /**
   * The start of the last indexed record (`IndexCommitter.LastIndexedPosition`). A real log is never empty; an
   * empty emulator log answers with its head, so that `start` stays valid.
   */
  private lastIndexedPosition(): bigint {
    return this.store.log.at(-1)?.position ?? this.store.headPosition;
  }

  private newGroup(
    source: EventSource,
    groupName: string,
    startFrom: SubscriptionPosition,
    settings: GroupSettings,
  ):
    | { readonly kind: 'group'; readonly group: PersistentSubscriptionGroup }
    | { readonly kind: 'fail'; readonly reason: string } {
    if (!isConsumerStrategyName(settings.consumerStrategy)) {
      return { kind: 'fail', reason: `Consumer strategy ${settings.consumerStrategy} does not exist.` };
    }
    try {
      const group = new PersistentSubscriptionGroup({
        store: this.store,
        source,
        groupName,
        startFrom,
        settings,
        strategy: createConsumerStrategy(settings.consumerStrategy),
        defer: (work) => {
          this.executor.post(work);
        },
        now: this.now,
      });
      return { kind: 'group', group };
    } catch (error: unknown) {
      // The service answers "Fail" with the exception's message (PersistentSubscriptionService.cs).
      return { kind: 'fail', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private putGroup(group: PersistentSubscriptionGroup): void {
    const name = sourceName(group.source);
    const topic = this.topics.get(name) ?? [];
    if (!this.topics.has(name)) this.topics.set(name, topic);
    topic.push(group);
    this.groups.set(group.key, group);
  }

  private replaceGroup(old: PersistentSubscriptionGroup, replacement: PersistentSubscriptionGroup): void {
    const topic = this.topics.get(sourceName(old.source));
    const index = topic?.indexOf(old) ?? -1;
    if (topic !== undefined && index >= 0) topic[index] = replacement;
    this.groups.set(replacement.key, replacement);
  }

  private removeGroup(group: PersistentSubscriptionGroup): void {
    const topic = this.topics.get(sourceName(group.source));
    const index = topic?.indexOf(group) ?? -1;
    if (topic !== undefined && index >= 0) topic.splice(index, 1);
    this.groups.delete(group.key);
  }

  /**
   * Hands every committed record to the groups of its stream and, unless the default `$all` exclusions drop
   * it, to the `$all` groups (`ProcessEventCommitted`), resolving links for groups that ask for it.
   */
  private processCommitted(records: readonly StoredEvent[]): void {
    for (const record of records) {
      const targets = [
        ...(this.topics.get(record.streamName) ?? []),
        ...(sourceTakesLive(allSource(undefined), record) ? (this.topics.get(ALL_STREAM) ?? []) : []),
      ];
      for (const group of targets) {
        const resolved = resolveFor(this.store, record, group.settings.resolveLinkTos, 'live');
        try {
          group.notifyLive(resolved);
        } catch {
          // The server logs a failure while handling a committed event and goes on.
        }
      }
    }
  }

  /** The clock tick, and the once-a-second statistics sample the server takes for its metrics. */
  private tick(): void {
    const now = this.now();
    for (const group of [...this.groups.values()]) group.tick(now);
    for (const group of this.groups.values()) group.statisticsSample();
  }
}

/** `CreatePersistentSubscriptionToStream` and its Update twin refuse an empty name and `$all` as a stream. */
function refuseStreamName(command: GroupCommand): ManagementOutcome | undefined {
  if (command.kind !== 'stream') return undefined;
  if (command.streamName === '') return { kind: 'fail', reason: BAD_STREAM_NAME };
  if (command.streamName === ALL_STREAM) return { kind: 'fail', reason: ALL_ONLY_OVER_GRPC };
  return undefined;
}

/** The configuration entry of a group (`PersistentSubscriptionEntry` as Create and Update fill it). */
function configEntryOf(group: PersistentSubscriptionGroup): ConfigEntry {
  const { settings, startFrom, source } = group;
  return {
    stream: sourceName(source),
    group: group.groupName,
    filter: source.kind === 'all' ? source.filter?.description : undefined,
    resolveLinkTos: settings.resolveLinkTos,
    extraStatistics: settings.extraStatistics,
    messageTimeout: settings.messageTimeoutMs,
    startFrom: startFrom.kind === 'stream' ? startFrom.eventNumber : INT64_MIN,
    startPosition: positionText(startFrom),
    liveBufferSize: settings.liveBufferSize,
    historyBufferSize: settings.historyBufferSize,
    maxRetryCount: settings.maxRetryCount,
    readBatchSize: settings.readBatchSize,
    preferRoundRobin: false,
    checkPointAfter: settings.checkPointAfterMs,
    minCheckPointCount: settings.minCheckPointCount,
    maxCheckPointCount: settings.maxCheckPointCount,
    maxSubscriberCount: settings.maxSubscriberCount,
    namedConsumerStrategy: settings.consumerStrategy,
  };
}
