// The README's examples, run: every ```ts block of README.md, in order, as one program (imports hoisted and
// merged, the rest the body of one async function), type-checked in strict mode, then run with tsx in a child
// process against a server, insecure and secure, with the connection in ESDB_HOST, ESDB_PORT,
// ESDB_SERVER_CERT, ESDB_USERNAME and ESDB_PASSWORD as the seed client's README was tested. The program must
// exit by itself with status 0, so an example that leaves a call or a timer open fails here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { MODES, useClientTarget } from './support/target.js';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const README = join(root, 'README.md');
/** What `'esdbclient'` means in the examples: the client's sources. */
const CLIENT_ENTRY = join(root, 'src', 'client', 'index.js');

/** One ```ts block: its text and the README line its first line of code is on. */
interface Example {
  readonly code: string;
  readonly line: number;
}

/** The ```ts blocks of a markdown text, in order (other info strings, such as ```typescript, are not examples). */
function examplesOf(markdown: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split('\n');
  let current: string[] | undefined;
  let start = 0;
  for (const [index, line] of lines.entries()) {
    if (current === undefined) {
      if (line === '```ts') {
        current = [];
        start = index + 2;
      }
    } else if (line === '```') {
      examples.push({ code: current.join('\n'), line: start });
      current = undefined;
    } else {
      current.push(line);
    }
  }
  if (current !== undefined) throw new Error(`README.md: the ts block at line ${start - 1} is not closed`);
  return examples;
}

/** The names one module's imports bind: default and namespace names, and named ones (type-only or not). */
interface ModuleImports {
  defaultName?: string;
  namespaceName?: string;
  named: Map<string, { imported: string; typeOnly: boolean }>;
}

/** The program: merged imports, then every example's other statements in one async function. */
function programOf(examples: readonly Example[]): { text: string; readmeLineOf: (line: number) => number } {
  const modules = new Map<string, ModuleImports>();
  const body: string[] = [];
  const readmeLines: number[] = [];
  for (const example of examples) {
    const source = ts.createSourceFile('example.ts', example.code, ts.ScriptTarget.ES2022, true);
    let code = example.code;
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement)) continue;
      collectImport(statement, modules);
      // Blank the declaration out, keeping its line breaks so that lines still map to the README.
      const range = code.slice(statement.getStart(source), statement.end);
      code =
        code.slice(0, statement.getStart(source)) + range.replace(/[^\n]/g, ' ') + code.slice(statement.end);
    }
    for (const [index, line] of code.split('\n').entries()) {
      body.push(line === '' ? '' : `  ${line}`);
      readmeLines.push(example.line + index);
    }
  }
  const header = [...modules].map(([specifier, imports]) => importDeclarationOf(specifier, imports));
  header.push('', 'async function main(): Promise<void> {');
  const footer = [
    '}',
    '',
    'main().catch((error: unknown) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ];
  const headerLines = header.join('\n').split('\n').length;
  const text = [...header, ...body, ...footer].join('\n');
  return {
    text,
    readmeLineOf: (line) => readmeLines[line - headerLines] ?? 0,
  };
}

function collectImport(statement: ts.ImportDeclaration, modules: Map<string, ModuleImports>): void {
  if (!ts.isStringLiteral(statement.moduleSpecifier)) throw new Error('an import without a module name');
  const specifier =
    statement.moduleSpecifier.text === 'esdbclient' ? CLIENT_ENTRY : statement.moduleSpecifier.text;
  const imports: ModuleImports = modules.get(specifier) ?? { named: new Map() };
  modules.set(specifier, imports);
  const clause = statement.importClause;
  if (clause === undefined) return;
  if (clause.name !== undefined) imports.defaultName = clause.name.text;
  const bindings = clause.namedBindings;
  if (bindings === undefined) return;
  if (ts.isNamespaceImport(bindings)) {
    imports.namespaceName = bindings.name.text;
    return;
  }
  for (const element of bindings.elements) {
    const local = element.name.text;
    const typeOnly = clause.phaseModifier === ts.SyntaxKind.TypeKeyword || element.isTypeOnly;
    const known = imports.named.get(local);
    imports.named.set(local, {
      imported: element.propertyName?.text ?? local,
      // A value import of a name serves its type-only imports too.
      typeOnly: typeOnly && (known?.typeOnly ?? true),
    });
  }
}

function importDeclarationOf(specifier: string, imports: ModuleImports): string {
  const quoted = JSON.stringify(specifier);
  const declarations: string[] = [];
  if (imports.namespaceName !== undefined)
    declarations.push(`import * as ${imports.namespaceName} from ${quoted};`);
  const named = [...imports.named].map(
    ([local, { imported, typeOnly }]) =>
      `${typeOnly ? 'type ' : ''}${imported === local ? local : `${imported} as ${local}`}`,
  );
  if (imports.defaultName !== undefined || named.length > 0) {
    const parts = [
      ...(imports.defaultName === undefined ? [] : [imports.defaultName]),
      ...(named.length === 0 ? [] : [`{ ${named.join(', ')} }`]),
    ];
    declarations.push(`import ${parts.join(', ')} from ${quoted};`);
  }
  return declarations.join('\n');
}

/** The type errors of the program, with README line numbers. */
function typeErrorsOf(file: string, readmeLineOf: (line: number) => number): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => {
      const { line } = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0) ?? { line: 0 };
      return `README.md:${readmeLineOf(line)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
}

/** Runs the program with tsx; resolves with its exit status and output, or with `timedOut` after `ms`. */
function run(
  file: string,
  env: Record<string, string | undefined>,
  ms: number,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) childEnv[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

const examples = examplesOf(readFileSync(README, 'utf8'));
let directory: string | undefined;
let programFile = '';
let readmeLineOf: (line: number) => number = () => 0;

beforeAll(() => {
  const program = programOf(examples);
  directory = mkdtempSync(join(tmpdir(), 'esdbclient-readme-'));
  programFile = join(directory, 'readme-examples.ts');
  writeFileSync(programFile, program.text);
  readmeLineOf = program.readmeLineOf;
});

afterAll(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

describe('the README examples', () => {
  test('cover the client guide: constructor from the environment, streams, both subscriptions, close', () => {
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
    ]) {
      expect(all).toContain(method);
    }
    expect(examples.at(-1)?.code.trim()).toBe('await client.close();');
  });

  test('type-check in strict mode', () => {
    expect(typeErrorsOf(programFile, readmeLineOf)).toEqual([]);
  });
});

describe.each(MODES)('the README examples run (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('in order, as one program that exits by itself with status 0', async () => {
    const options = target().hostOptions;
    const result = await run(
      programFile,
      {
        ESDB_HOST: options.host,
        ESDB_PORT: String(options.port ?? 2113),
        ESDB_SERVER_CERT: options.tls === false ? undefined : options.serverCert,
        ESDB_USERNAME: options.tls === false ? undefined : options.username,
        ESDB_PASSWORD: options.tls === false ? undefined : options.password,
      },
      60_000,
    );
    const passed = result.code === 0 && !result.timedOut;
    // On failure: where in the README (the stack names the program's line), and everything the program printed.
    const at = /readme-examples\.ts:(\d+)/.exec(result.output);
    const where = passed || at === null ? '' : ` at README.md:${readmeLineOf(Number(at[1]) - 1)}`;
    const outcome = result.timedOut
      ? 'did not exit within 60 s (a call or timer left open?)'
      : `exit status ${result.code}`;
    expect(`${outcome}${where}${passed ? '' : `\n${result.output}`}`).toBe('exit status 0');
  });
});
