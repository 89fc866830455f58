/**
 * An EventStoreDB-compatible gRPC server that runs in-process, for tests, demos and users' own test suites.
 * @packageDocumentation
 */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './server/start-emulator.js';
export {
  startEmulatorCluster,
  type EmulatedClusterNode,
  type EmulatorClusterOptions,
  type RunningEmulatorCluster,
} from './cluster/start-emulator-cluster.js';
export { MemberInfo_VNodeState as VNodeState } from '../generated/gossip.js';
export type { EmulatorCertificates } from './tls/certificates.js';
export type { RunProjections } from './projections/projection-subsystem.js';
export { DamagedLogError } from './store/damaged-log-error.js';
