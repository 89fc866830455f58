import { MemberInfo_VNodeState as VNodeState } from '../../generated/gossip.js';
import { type ClusterMember, nowTicks } from './cluster-member.js';

/** One state change of a planned sequence. */
export interface Step {
  readonly state: VNodeState;
  readonly leader: ClusterMember | undefined;
  /** Runs just before the state changes. */
  readonly before?: () => void;
}

/** Told of every state change once the member has its new state, before the change listeners are. */
export type StateChangeHook = (member: ClusterMember, wasLeader: boolean) => void;

/**
 * How members' states change over time: at once, or as a planned sequence of steps that something newer
 * happening to the member cancels. Owns the cluster's timers and the listeners told of every change.
 */
export class MemberTransitions {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly stepMs: number,
    private readonly hook: StateChangeHook,
  ) {}

  /** Changes a member's state now, dropping whatever was planned for it. */
  changeNow(member: ClusterMember, state: VNodeState, leader: ClusterMember | undefined): void {
    member.correlation += 1;
    this.change(member, state, leader);
  }

  /**
   * Runs `steps` for `member`, the first after `firstDelayMs` and each next one a step later, unless something
   * else happens to the member first.
   */
  plan(member: ClusterMember, steps: readonly Step[], firstDelayMs = this.stepMs): void {
    member.correlation += 1;
    const correlation = member.correlation;
    const run = (index: number, delayMs: number): void => {
      const step = steps[index];
      if (step === undefined) return;
      this.after(delayMs, () => {
        if (member.correlation !== correlation || !member.alive) return;
        step.before?.();
        this.change(member, step.state, step.leader);
        run(index + 1, this.stepMs);
      });
    };
    run(0, firstDelayMs);
  }

  /** Runs `action` after `delayMs`, unless {@link close} or {@link cancel} comes first. */
  after(delayMs: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
    return timer;
  }

  /** Stops a timer {@link after} started. */
  cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Calls `listener` after every change of a member's state or liveness; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Tells the listeners that something changed. */
  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Stops every timer and forgets the listeners. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }

  /** Sets a member's state and leader, refreshing its gossip time stamp. */
  private change(member: ClusterMember, state: VNodeState, leader: ClusterMember | undefined): void {
    const wasLeader = member.state === VNodeState.Leader;
    member.state = state;
    member.leaderMember = leader;
    member.timeStamp = nowTicks();
    this.hook(member, wasLeader);
    this.changed();
  }
}
