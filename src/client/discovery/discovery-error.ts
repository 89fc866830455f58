/**
 * The error of a discovery that found no member to connect to.
 */
import { EsdbError, type EsdbErrorOptions } from '../errors/esdb-error.js';

/**
 * Discovery gave up: after `attempts` rounds over the seeds, no seed answered gossip with an eligible member
 * of the preferred kind (NODE fails the same way: "Failed to discover after N attempts.").
 */
export class DiscoveryError extends EsdbError {
  override readonly name: string = 'DiscoveryError';
  /** How many rounds over the seeds were made. */
  readonly attempts: number;

  constructor(attempts: number, detail: string, options: EsdbErrorOptions = {}) {
    super(`Failed to discover a cluster node after ${attempts} attempts: ${detail}`, options);
    this.attempts = attempts;
  }
}
