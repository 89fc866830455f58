/**
 * esdbclient: a strongly typed gRPC client for EventStoreDB / KurrentDB.
 * @packageDocumentation
 */
export * as protocol from './protocol.js';
