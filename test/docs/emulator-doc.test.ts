// docs/emulator.md's examples, run: every ```ts block, in order, as one program (test/support/markdown-program.ts),
// type-checked in strict mode and run with tsx. They start and stop their own emulators, so they need no server;
// the program must exit by itself with status 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeBlocksOf, programOf, typeErrorsOf } from '../support/markdown-program.js';
import { describeOutcome, runProgram, writeProgram, type ProgramFile } from '../support/run-program.js';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const DOCUMENT = 'docs/emulator.md';
const examples = codeBlocksOf(readFileSync(join(root, DOCUMENT), 'utf8'), 'ts', DOCUMENT);
const program = programOf(examples);
let file: ProgramFile | undefined;

function programFile(): ProgramFile {
  file ??= writeProgram(program, 'emulator-doc-examples');
  return file;
}

afterAll(() => {
  file?.remove();
});

describe('the examples of docs/emulator.md', () => {
  test('cover one node, secure mode, durability and a cluster, each stopped at the end', () => {
    const all = examples.map((example) => example.code).join('\n');
    for (const shown of [
      'startEmulator()',
      'secure: true',
      'dataDir',
      'startEmulatorCluster',
      'forceLeaderChange',
    ]) {
      expect(all).toContain(shown);
    }
    expect(examples.at(-1)?.code.trim().split('\n').at(-1)).toBe('await cluster.stop();');
  });

  test("the README's emulator example is the first of them, so it runs too", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const shown = codeBlocksOf(readme, 'typescript', 'README.md').filter((block) =>
      block.code.includes("from 'esdbclient/emulator'"),
    );
    expect(shown.map((block) => block.code)).toEqual([examples[0]?.code]);
  });

  test('type-check in strict mode', () => {
    expect(typeErrorsOf(programFile().path, program, DOCUMENT)).toEqual([]);
  });

  test('run in order, as one program that exits by itself with status 0', async () => {
    const outcome = await runProgram(programFile().path, {}, 120_000);
    expect(describeOutcome(outcome, programFile(), program, DOCUMENT)).toBe('exit status 0');
  });
});
