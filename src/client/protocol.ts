/**
 * The generated wire messages and nice-grpc service definitions of the EventStoreDB client protocol (v1),
 * for callers who need a message or a service the high-level client does not wrap.
 *
 * Every name here is generated from `proto/` by `buf generate`; see CONTRIBUTING.md, code generation.
 * @packageDocumentation
 */
export * as shared from '../generated/shared.js';
export * as rpcStatus from '../generated/status.js';
export * as streams from '../generated/streams.js';
export * as persistentSubscriptions from '../generated/persistent.js';
export * as gossip from '../generated/gossip.js';
export * as serverFeatures from '../generated/serverfeatures.js';
