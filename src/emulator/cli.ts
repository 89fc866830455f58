#!/usr/bin/env node
// `esdbclient-emulator`: runs one emulated node until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { startEmulator } from './server/start-emulator.js';

const usage = `Usage: esdbclient-emulator [--insecure | --secure] [--host HOST] [--port PORT] [--db DIR]

  --insecure   cleartext HTTP/2, every call privileged (the default), like the server's --insecure
  --secure     TLS with a generated CA and node certificate, Basic auth (admin/changeit, ops/changeit)
  --host HOST  address to listen on (default 127.0.0.1)
  --port PORT  port to listen on (default 2113)
  --db DIR     keep the log in DIR: every acknowledged write survives a crash (default: in memory)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      insecure: { type: 'boolean' },
      secure: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
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

  const emulator = await startEmulator({
    secure: values.secure === true,
    host: values.host ?? '127.0.0.1',
    port,
    dataDir: values.db,
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exit(2);
});
