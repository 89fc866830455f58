/**
 * The runnable examples of a markdown document: every block fenced as ```ts, in order, makes one program. Its
 * import declarations are hoisted and merged (one import per name, the package's own entry points mapped to
 * the sources), the rest becomes the body of one async function, so that an example may use what an earlier
 * one declared. Blocks fenced otherwise (```typescript, ```sh) are shown, not run.
 */
import { join } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');

/** What the package's entry points mean in the examples: the sources, so the examples test this checkout. */
const PACKAGE_ENTRIES: Readonly<Record<string, string>> = {
  esdbclient: join(root, 'src', 'client', 'index.js'),
  'esdbclient/protocol': join(root, 'src', 'client', 'protocol.js'),
  'esdbclient/emulator': join(root, 'src', 'emulator', 'index.js'),
};

/** One fenced block: its text and the document line its first line of code is on. */
export interface CodeBlock {
  readonly code: string;
  readonly line: number;
}

/** The blocks of `markdown` whose info string is exactly `info`, in order. */
export function codeBlocksOf(markdown: string, info: string, documentName: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let current: string[] | undefined;
  let start = 0;
  for (const [index, line] of markdown.split('\n').entries()) {
    if (current === undefined) {
      if (line === '```' + info) {
        current = [];
        start = index + 2;
      }
    } else if (line === '```') {
      blocks.push({ code: current.join('\n'), line: start });
      current = undefined;
    } else {
      current.push(line);
    }
  }
  if (current !== undefined) throw new Error(`${documentName}: the block at line ${start - 1} is not closed`);
  return blocks;
}

/** The program of some examples, and the document line of each of its lines. */
export interface ExampleProgram {
  readonly text: string;
  /** The document line of a (zero-based) program line; 0 for the program's own header and footer. */
  documentLineOf(programLine: number): number;
}

/** The names one module's imports bind: default and namespace names, and named ones (type-only or not). */
interface ModuleImports {
  defaultName?: string;
  namespaceName?: string;
  named: Map<string, { imported: string; typeOnly: boolean }>;
}

/** The program: merged imports, then every example's other statements in one async function. */
export function programOf(examples: readonly CodeBlock[]): ExampleProgram {
  const modules = new Map<string, ModuleImports>();
  const body: string[] = [];
  const documentLines: number[] = [];
  for (const example of examples) {
    const source = ts.createSourceFile('example.ts', example.code, ts.ScriptTarget.ES2022, true);
    let code = example.code;
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement)) continue;
      collectImport(statement, modules);
      // Blank the declaration out, keeping its line breaks so that lines still map to the document.
      const start = statement.getStart(source);
      code =
        code.slice(0, start) +
        code.slice(start, statement.end).replace(/[^\n]/g, ' ') +
        code.slice(statement.end);
    }
    for (const [index, line] of code.split('\n').entries()) {
      body.push(line.trim() === '' ? '' : `  ${line}`);
      documentLines.push(example.line + index);
    }
  }
  const header = [...modules].map(([specifier, imports]) => importDeclarationOf(specifier, imports));
  // A failed example leaves the servers and clients of the examples after it open: exit at once rather than wait
  // for a timeout. Success must still exit by itself, which is what shows that nothing was left open.
  header.push('', 'async function main(): Promise<void> {');
  const footer = [
    '}',
    '',
    'main().catch((error: unknown) => {',
    '  console.error(error);',
    '  process.exit(1);',
    '});',
    '',
  ];
  const headerLines = header.join('\n').split('\n').length;
  return {
    text: [...header, ...body, ...footer].join('\n'),
    documentLineOf: (line) => documentLines[line - headerLines] ?? 0,
  };
}

function collectImport(statement: ts.ImportDeclaration, modules: Map<string, ModuleImports>): void {
  if (!ts.isStringLiteral(statement.moduleSpecifier)) throw new Error('an import without a module name');
  const specifier = PACKAGE_ENTRIES[statement.moduleSpecifier.text] ?? statement.moduleSpecifier.text;
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

/** The type errors of the program in `file` (strict mode), each with its document name and line. */
export function typeErrorsOf(file: string, program: ExampleProgram, documentName: string): string[] {
  const checked = ts.createProgram([file], {
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
    .getPreEmitDiagnostics(checked)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => {
      const { line } = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0) ?? { line: 0 };
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      return `${documentName}:${program.documentLineOf(line)}: ${message}`;
    });
}
