import type { EventStore } from '../store/event-store.js';
import type { StoredEvent } from '../store/stored-event.js';
import { Consumer, type ConsumerConnection, type ConsumerDetails } from './consumer.js';
import { allSource, sourceName, streamSource } from './event-source.js';
import type { GroupDefinition, GroupRuntime } from './group.js';
import { configEntryOf, definitionFromConfig } from './group-config-entry.js';
import { newGroup } from './group-factory.js';
import { GroupIndex } from './group-index.js';
import type { GroupCommand } from './group-request.js';
import type { GroupInfo } from './group-statistics.js';
import { refuseStreamName, validateGroup, type ManagedSource } from './group-validation.js';
import type { ManagementOutcome } from './management-outcome.js';
import type { NackAction } from './message-settler.js';
import { ALL_STREAM, groupKey } from './names.js';
import { resolveFor } from './resolved-event.js';
import { SerialExecutor } from './serial-executor.js';
import { SubscriptionConfig } from './subscription-config.js';

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

/**
 * The persistent-subscription subsystem of one node (server: PersistentSubscriptionService.cs, as in 24.10):
 * the groups by source and by key, their configuration stream, live events from the store, and the clock that
 * times messages out. All its work runs one piece at a time.
 */
export class PersistentSubscriptionRegistry {
  private index = new GroupIndex();
  private readonly config: SubscriptionConfig;
  private readonly executor = new SerialExecutor();
  private readonly runtime: GroupRuntime;
  private readonly timer: NodeJS.Timeout;
  private readonly stopListening: () => void;

  constructor(
    private readonly store: EventStore,
    options: RegistryOptions = {},
  ) {
    const defer = (work: () => void): void => {
      this.executor.post(work);
    };
    this.runtime = { store, defer, now: options.now ?? Date.now };
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
      const invalid = validateGroup(this.store, settings, startFrom);
      if (invalid !== undefined) return invalid;
      if (this.index.has(groupKey(sourceName(source), groupName))) return { kind: 'exists' };
      const created = newGroup({ source, groupName, startFrom, settings }, this.runtime);
      if (created.kind === 'fail') return created;
      this.index.add(created.group);
      this.saveEntry(username, created.group);
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
      const old = this.index.get(groupKey(name, command.groupName));
      if (old === undefined) return { kind: 'does-not-exist' };
      const { settings, startFrom, groupName } = command;
      const invalid = validateGroup(this.store, settings, startFrom);
      if (invalid !== undefined) return invalid;
      const source =
        command.kind === 'stream'
          ? streamSource(command.streamName)
          : allSource(old.source.kind === 'all' ? old.source.filter : undefined);
      const created = newGroup({ source, groupName, startFrom, settings }, this.runtime);
      if (created.kind === 'fail') return created;
      old.shutdown();
      this.index.replace(old, created.group);
      this.saveEntry(username, created.group);
      return { kind: 'success' };
    });
  }

  /** Deletes a group, drops its consumers and soft-deletes its checkpoint and parked streams (§3.14 Delete). */
  delete(source: ManagedSource, groupName: string, username: string | undefined): ManagementOutcome {
    return this.executor.execute(() => {
      const refusal = refuseStreamName(source);
      if (refusal !== undefined) return refusal;
      const name = source.kind === 'stream' ? source.streamName : ALL_STREAM;
      const group = this.index.get(groupKey(name, groupName));
      if (group === undefined) return { kind: 'does-not-exist' };
      group.shutdown();
      this.index.remove(group);
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
      if (this.index.ofSource(source) === undefined) return { kind: 'not-found' };
      const group = this.index.get(groupKey(source, groupName));
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
      for (const group of this.index.all()) group.removeConsumer(consumer, true);
    });
  }

  /** Acks go to the group by its key, whichever consumer holds the messages (`PersistentSubscriptionAckEvents`). */
  acknowledge(subscriptionId: string, eventIds: readonly string[]): void {
    this.executor.post(() => {
      this.index.get(subscriptionId)?.acknowledge(eventIds);
    });
  }

  notAcknowledge(
    subscriptionId: string,
    eventIds: readonly string[],
    action: NackAction,
    reason: string,
  ): void {
    this.executor.post(() => {
      this.index.get(subscriptionId)?.notAcknowledge(eventIds, action, reason);
    });
  }

  /** Starts replaying a group's parked messages (§3.14 ReplayParked). */
  replayParked(source: string, groupName: string, stopAt: bigint | undefined): ManagementOutcome {
    return this.executor.execute((): ManagementOutcome => {
      if (stopAt !== undefined && stopAt < 0n) {
        return { kind: 'fail', reason: 'Cannot stop replaying parked message at a negative version.' };
      }
      const group = this.index.get(groupKey(source, groupName));
      if (group === undefined) return { kind: 'does-not-exist' };
      group.replayParkedMessages(stopAt);
      return { kind: 'success' };
    });
  }

  /** GetInfo: the group's statistics, or undefined when the source or group is unknown. */
  info(source: string, groupName: string): GroupInfo | undefined {
    return this.executor.execute(() =>
      this.index
        .ofSource(source)
        ?.find((group) => group.groupName === groupName)
        ?.statisticsSample(),
    );
  }

  /** List for one source: undefined when the source never had a group since the subsystem started. */
  infosOf(source: string): GroupInfo[] | undefined {
    return this.executor.execute(() => this.index.ofSource(source)?.map((group) => group.statisticsSample()));
  }

  /** List of every group, source by source in the order sources first got a group. */
  allInfos(): GroupInfo[] {
    return this.executor.execute(() => this.index.bySource().map((group) => group.statisticsSample()));
  }

  /** RestartSubsystem: drops every consumer, then rebuilds all groups from the configuration stream. */
  restart(): void {
    this.executor.execute(() => {
      for (const group of this.index.all()) group.shutdown();
      this.loadGroups();
    });
  }

  /** Stops the clock and the live feed and drops every consumer, as a node shutting down does. */
  close(): void {
    clearInterval(this.timer);
    this.stopListening();
    this.executor.execute(() => {
      for (const group of this.index.all()) group.shutdown();
    });
  }

  /** Builds the groups afresh from the configuration stream (`LoadConfiguration`); the first of a key wins. */
  private loadGroups(): void {
    this.index = new GroupIndex();
    this.config.load();
    for (const entry of this.config.entries) {
      const definition = definitionFromConfig(entry);
      if (definition === undefined) continue;
      const created = newGroup(definition, this.runtime);
      if (created.kind === 'group' && !this.index.has(created.group.key)) this.index.add(created.group);
    }
  }

  /** Records a created or updated group in the configuration stream. */
  private saveEntry(username: string | undefined, definition: GroupDefinition): void {
    this.config.put(username, configEntryOf(definition));
    this.config.save();
  }

  /**
   * Hands every committed record to the groups of its stream and, unless the default `$all` exclusions drop
   * it, to the `$all` groups (`ProcessEventCommitted`), resolving links for groups that ask for it.
   */
  private processCommitted(records: readonly StoredEvent[]): void {
    for (const record of records) {
      for (const group of this.index.takingLive(record)) {
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
    const now = this.runtime.now();
    for (const group of [...this.index.all()]) group.tick(now);
    for (const group of this.index.all()) group.statisticsSample();
  }
}
