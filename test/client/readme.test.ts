// The README's examples, run: every ```ts block of README.md, in order, as one program (see
// test/support/markdown-program.ts), type-checked in strict mode, then run against a server, insecure and
// secure, with the connection in ESDB_HOST, ESDB_PORT, ESDB_SERVER_CERT, ESDB_USERNAME and ESDB_PASSWORD as the
// seed client's README was tested. The program must exit by itself with status 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeBlocksOf, programOf, typeErrorsOf } from '../support/markdown-program.js';
import { describeOutcome, runProgram, writeProgram, type ProgramFile } from '../support/run-program.js';
import { MODES, useClientTarget } from './support/target.js';

jest.setTimeout(180_000);

const DOCUMENT = 'README.md';
const examples = codeBlocksOf(readFileSync(join(__dirname, '..', '..', DOCUMENT), 'utf8'), 'ts', DOCUMENT);
const program = programOf(examples);
let file: ProgramFile | undefined;

function programFile(): ProgramFile {
  file ??= writeProgram(program, 'readme-examples');
  return file;
}

afterAll(() => {
  file?.remove();
});

describe('the README examples', () => {
  test('cover the client guide: constructor from the environment, streams, subscriptions, management, close', () => {
    const all = examples.map((example) => example.code).join('\n');
    expect(examples.length).toBeGreaterThan(30);
    expect(examples[0]?.code).toContain('process.env.ESDB_HOST');
    for (const method of [
      'appendEvents',
      'getStreamPosition',
      'readStreamEvents',
      'readAllEvents',
      'getCommitPosition',
      'subscribeAllEvents',
      'createSubscription',
      'readSubscription',
      '.ack(',
      '.nack(',
      'subscribeStreamEvents',
      'includeCaughtUp',
      'includeCheckpoints',
      'resolveLinks',
      'filterByStreamName',
      'NewEvent.json',
      '.json<',
      'getSubscriptionInfo',
      'listSubscriptions',
      'replayParkedEvents',
      'deleteSubscription',
      '$ce-order',
      'createProjection',
      'getProjectionState',
      'getProjectionStatistics',
    ]) {
      expect(all).toContain(method);
    }
    expect(examples.at(-1)?.code.trim()).toBe('await client.close();');
  });

  test('type-check in strict mode', () => {
    expect(typeErrorsOf(programFile().path, program, DOCUMENT)).toEqual([]);
  });
});

describe.each(MODES)('the README examples run (%s)', (mode) => {
  // The Projections section needs a server that runs projections, the standard ones included.
  const target = useClientTarget(mode, { runProjections: 'all', startStandardProjections: true });

  test('in order, as one program that exits by itself with status 0', async () => {
    const options = target().hostOptions;
    const insecure = options.tls === false;
    const outcome = await runProgram(
      programFile().path,
      {
        ESDB_HOST: options.host,
        ESDB_PORT: String(options.port ?? 2113),
        ESDB_SERVER_CERT: insecure ? undefined : options.serverCert,
        ESDB_USERNAME: insecure ? undefined : options.username,
        ESDB_PASSWORD: insecure ? undefined : options.password,
      },
      60_000,
    );
    expect(describeOutcome(outcome, programFile(), program, DOCUMENT)).toBe('exit status 0');
  });
});
