/**
 * The options that let a subscription heal itself after a transient failure: how often and how patiently it
 * tries again (`resubscribe`), and who is told before each attempt (`onReconnect`). Checked here, before
 * anything is sent, as every option is.
 */
import { checkDuration } from '../arguments/checks.js';
import type { EsdbError } from '../errors/esdb-error.js';

/**
 * How a subscription tries again after a transient failure. Each attempt waits a delay that doubles from
 * `initialDelay` up to `maxDelay`, with jitter (a random part of up to half the delay is taken off, so that
 * many subscriptions dropped at once do not come back at the same instant).
 */
export interface ResubscribeOptions {
  /**
   * The most attempts in a row before the subscription gives up and ends with the last error; the count starts
   * again once an attempt reaches the server. Default `Infinity`: a subscription waits out any outage.
   */
  readonly maxAttempts?: number | undefined;
  /** The delay before the first attempt, in milliseconds. Default 100. */
  readonly initialDelay?: number | undefined;
  /** The longest delay between attempts, in milliseconds. Default 5000. */
  readonly maxDelay?: number | undefined;
}

/** What a subscription tells its `onReconnect` observer before each attempt to resubscribe. */
export interface ReconnectInfo {
  /** 1 for the first attempt after a failure, 2 for the next, ...; back to 1 after a successful attempt. */
  readonly attempt: number;
  /** How long the subscription waits before this attempt, in milliseconds. */
  readonly delay: number;
  /** The failure that made the subscription try again. */
  readonly error: EsdbError;
}

/** Called before each attempt to resubscribe, for logs and metrics. What it throws is ignored. */
export type ReconnectObserver = (info: ReconnectInfo) => void;

/** The options a self-healing subscription takes, besides its own. */
export interface SelfHealingOptions {
  /**
   * Whether and how the subscription resubscribes by itself after a transient failure (a dropped connection,
   * a restarted node, a leader change). `false`: it does not, and the failure ends it. Default: it does, with
   * the defaults of {@link ResubscribeOptions}.
   */
  readonly resubscribe?: false | ResubscribeOptions | undefined;
  /** Called before each attempt to resubscribe (see {@link ReconnectInfo}); errors it throws are ignored. */
  readonly onReconnect?: ReconnectObserver | undefined;
}

/** The option keys of {@link SelfHealingOptions}, for a method's list of keys. */
export const SELF_HEALING_KEYS = ['resubscribe', 'onReconnect'] as const;

/** A checked resubscribe policy; `undefined` stands for `resubscribe: false`. */
export interface ResubscribePolicy {
  readonly maxAttempts: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly onReconnect: ReconnectObserver | undefined;
}

const DEFAULT_MAX_ATTEMPTS = Infinity;
const DEFAULT_INITIAL_DELAY_MS = 100;
const DEFAULT_MAX_DELAY_MS = 5_000;
const POLICY_KEYS = new Set(['maxAttempts', 'initialDelay', 'maxDelay']);

/**
 * Checks `resubscribe` and `onReconnect`.
 * @returns the policy, or undefined for `resubscribe: false`.
 * @throws TypeError or RangeError naming the option that is wrong.
 */
export function resubscribePolicyOf(given: SelfHealingOptions, where: string): ResubscribePolicy | undefined {
  const onReconnect = given.onReconnect;
  if (onReconnect !== undefined && typeof onReconnect !== 'function') {
    throw new TypeError(`${where}: onReconnect must be a function`);
  }
  const options: unknown = given.resubscribe;
  if (options === false) return undefined;
  if (options === undefined) {
    return {
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      initialDelay: DEFAULT_INITIAL_DELAY_MS,
      maxDelay: DEFAULT_MAX_DELAY_MS,
      onReconnect,
    };
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: resubscribe must be false or an object`);
  }
  for (const key of Object.keys(options)) {
    if (!POLICY_KEYS.has(key)) throw new TypeError(`${where}: resubscribe has an unknown option '${key}'`);
  }
  const { maxAttempts, initialDelay, maxDelay } = options as ResubscribeOptions;
  const policy = {
    maxAttempts: maxAttempts === undefined ? DEFAULT_MAX_ATTEMPTS : attemptsOf(maxAttempts, where),
    initialDelay:
      initialDelay === undefined
        ? DEFAULT_INITIAL_DELAY_MS
        : checkDuration(initialDelay, `${where}: resubscribe.initialDelay`),
    maxDelay:
      maxDelay === undefined
        ? DEFAULT_MAX_DELAY_MS
        : checkDuration(maxDelay, `${where}: resubscribe.maxDelay`),
    onReconnect,
  };
  if (policy.maxDelay < policy.initialDelay) {
    throw new RangeError(`${where}: resubscribe.maxDelay must not be less than resubscribe.initialDelay`);
  }
  return policy;
}

/** A positive integer, or Infinity. */
function attemptsOf(value: unknown, where: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${where}: resubscribe.maxAttempts must be a number`);
  }
  if (value !== Infinity && (!Number.isInteger(value) || value < 1)) {
    throw new RangeError(
      `${where}: resubscribe.maxAttempts must be a positive integer or Infinity, got ${value}`,
    );
  }
  return value;
}
