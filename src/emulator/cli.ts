#!/usr/bin/env node
// `esdbclient-emulator`: runs one emulated node, or a cluster, until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { startEmulatorCluster } from './cluster/start-emulator-cluster.js';
import type { ProjectionOptions, RunProjections } from './projections/projection-subsystem.js';
import { startEmulator } from './server/start-emulator.js';
import { DamagedLogError } from './store/damaged-log-error.js';

const usage = `Usage: esdbclient-emulator [--insecure | --secure] [--host HOST] [--port PORT] [--db DIR [--truncate-damaged-log]]
                           [--run-projections none|system|all [--start-standard-projections]]
       esdbclient-emulator --cluster-size N [--read-only-replica] [--insecure | --secure] [--port PORT]
                           [--run-projections none|system|all [--start-standard-projections]]

  --insecure   cleartext HTTP/2, every call privileged (the default), like the server's --insecure
  --secure     TLS with a generated CA and node certificate, Basic auth (admin/changeit, ops/changeit)
  --host HOST  address to listen on (default 127.0.0.1)
  --port PORT  port to listen on (default 2113)
  --db DIR     keep the log in DIR: every acknowledged write survives a crash (default: in memory)
  --truncate-damaged-log  with --db: cut a log damaged before its end at the damage, dropping what
                          follows (with a warning), instead of refusing to start
  --run-projections none|system|all  start the projection subsystem, as the server's option (default none);
                                     in a cluster the leader runs the projections
  --start-standard-projections       run $streams, $by_category, $by_event_type, ... from the start
  --cluster-size N     N voting nodes sharing one in-memory log, on 127.0.0.1, 127.0.0.2, ... and one port
                       (on 127.0.0.1 with consecutive ports where other loopback addresses are unavailable)
  --read-only-replica  one more node, a read-only replica (cluster mode only)
  --help       print this text and exit`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      insecure: { type: 'boolean' },
      secure: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      'truncate-damaged-log': { type: 'boolean' },
      'cluster-size': { type: 'string' },
      'read-only-replica': { type: 'boolean' },
      'run-projections': { type: 'string' },
      'start-standard-projections': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    console.log(usage);
    return;
  }
  if (values.secure === true && values.insecure === true) throw new Error('choose --secure or --insecure');
  const port = Number(values.port ?? '2113');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`bad --port: ${values.port ?? ''}`);

  if (values['truncate-damaged-log'] === true && values.db === undefined)
    throw new Error('--truncate-damaged-log needs --db');
  const projections = projectionOptionsOf(values);

  if (values['cluster-size'] !== undefined) {
    const nodes = Number(values['cluster-size']);
    if (!Number.isInteger(nodes) || nodes < 1)
      throw new Error(`bad --cluster-size: ${values['cluster-size']}`);
    if (values.host !== undefined) throw new Error('--host does not apply to a cluster');
    if (values.db !== undefined) throw new Error('--db does not apply to a cluster: its log is in memory');
    await runCluster(nodes, values['read-only-replica'] === true, values.secure === true, port, projections);
    return;
  }
  if (values['read-only-replica'] === true) throw new Error('--read-only-replica needs --cluster-size');

  const emulator = await startEmulator({
    secure: values.secure === true,
    host: values.host ?? '127.0.0.1',
    port,
    dataDir: values.db,
    ...projections,
    truncateDamagedLog: values['truncate-damaged-log'] === true,
  });
  console.log(`EventStoreDB emulator listening on ${emulator.host}:${emulator.port}`);
  console.log(`Connection string: ${emulator.uri}`);
  if (emulator.caCertPath !== undefined) console.log(`CA certificate: ${emulator.caCertPath}`);

  const shutdown = (signal: string): void => {
    console.log(`${signal}: stopping`);
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** `--run-projections` and `--start-standard-projections`, for a node or a cluster alike. */
function projectionOptionsOf(values: {
  readonly 'run-projections'?: string | undefined;
  readonly 'start-standard-projections'?: boolean | undefined;
}): ProjectionOptions {
  return {
    runProjections: runProjectionsOf(values['run-projections']),
    startStandardProjections: values['start-standard-projections'] === true,
  };
}

/** `--run-projections`, case-insensitive like the server's enum options. */
function runProjectionsOf(value: string | undefined): RunProjections | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'none' || lower === 'system' || lower === 'all') return lower;
  throw new Error(`bad --run-projections: ${value} (none, system or all)`);
}

/** Starts a cluster, prints its nodes and its all-seeds connection string, and serves until a signal. */
async function runCluster(
  nodes: number,
  readOnlyReplica: boolean,
  secure: boolean,
  port: number,
  projections: ProjectionOptions,
): Promise<void> {
  const cluster = await startEmulatorCluster({ nodes, readOnlyReplica, secure, port, ...projections });
  console.log(`EventStoreDB emulator cluster of ${nodes} node${nodes === 1 ? '' : 's'}:`);
  for (const node of cluster.nodes) {
    const role = node.readOnlyReplica ? ' (read-only replica)' : node === cluster.leader ? ' (leader)' : '';
    console.log(`  node ${node.index}: ${node.host}:${node.port}${role}`);
  }
  console.log(`Connection string: ${cluster.uri}`);
  if (cluster.caCertPath !== undefined) console.log(`CA certificate: ${cluster.caCertPath}`);

  const shutdown = (signal: string): void => {
    console.log(`${signal}: stopping`);
    void cluster.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof DamagedLogError) {
    // Not a mistake in the command line: the data directory needs a decision, which the message explains.
    console.error(error.message);
    process.exit(1);
  }
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exit(2);
});
