/**
 * The call-control options every method takes (`timeout`, `signal`), and the one place a method's options
 * object is checked: its keys (a misspelt option fails loudly) and its call control. A method checks the rest
 * of its options itself, before anything is sent.
 */
import { checkSignal, checkTimeout } from '../arguments/checks.js';
import { optionsObject } from '../arguments/option-keys.js';

/** The per-call options every method takes. */
export interface CallControl {
  /** Milliseconds before the call is abandoned with a DeadlineExceededError; `Infinity` for none. */
  readonly timeout?: number | undefined;
  /** Aborting it cancels the call, which then fails with a CancelledError. */
  readonly signal?: AbortSignal | undefined;
}

/** A method's options: its own, still to be checked, and its call control, checked. */
export interface MethodOptions<T> {
  readonly given: Partial<T>;
  readonly control: CallControl;
}

const CONTROL_KEYS = ['timeout', 'signal'] as const;

/**
 * Checks a method's options object and its call control.
 * @param keys the method's own option names (`timeout` and `signal` are added)
 * @param where the method's name, for error messages
 * @param required whether the options object must be given (`undefined` stands for `{}` otherwise)
 * @throws TypeError or RangeError naming the option that is wrong.
 */
export function methodOptions<T extends CallControl>(
  options: T | undefined,
  keys: readonly string[],
  where: string,
  required: boolean,
): MethodOptions<T> {
  const given = optionsObject(options, [...keys, ...CONTROL_KEYS], where, required);
  return {
    given,
    control: {
      timeout: checkTimeout(given.timeout, `${where}: timeout`),
      signal: checkSignal(given.signal, `${where}: signal`),
    },
  };
}
