/**
 * Reads the numbered headings of docs/protocol.md and the section references that source comments make to it,
 * so that a test can tell which references point at no heading. The section sign is written as an escape in
 * this file, because the scan reads this file too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SECTION_SIGN = '\u00a7';

/** The sign, at most one space, then dotted numbers; a dot that ends a sentence is not part of the number. */
const REFERENCE = new RegExp(`${SECTION_SIGN} ?(\\d+(?:\\.\\d+)*)`, 'gu');

/** `## 0 Sources`, `#### 3.1.1 Errors`: hashes, one space, the number, one space, the title. */
const NUMBERED_HEADING = /^(#{1,6}) (\d+(?:\.\d+)*) \S/;

const FENCE = /^\s*(```|~~~)/;

/** Where something was found: a path relative to the repository, and a 1-based line. */
export interface Location {
  readonly file: string;
  readonly line: number;
}

/** A reference such as the one in "protocol notes, section 3.14", with the section number it names. */
export interface SectionReference extends Location {
  readonly section: string;
}

/** A numbered heading of the document. */
export interface NumberedHeading {
  readonly section: string;
  /** The number of `#`. */
  readonly level: number;
  readonly line: number;
}

/** The numbered headings of a Markdown text, in order; lines inside fenced code blocks are skipped. */
export function numberedHeadings(markdown: string): NumberedHeading[] {
  const headings: NumberedHeading[] = [];
  let inFence = false;
  markdown.split('\n').forEach((text, index) => {
    if (FENCE.test(text)) inFence = !inFence;
    const match = inFence ? null : NUMBERED_HEADING.exec(text);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      headings.push({ section: match[2], level: match[1].length, line: index + 1 });
    }
  });
  return headings;
}

/** Every section reference in `text`, which was read from `file`. */
export function referencesIn(file: string, text: string): SectionReference[] {
  const references: SectionReference[] = [];
  text.split('\n').forEach((lineText, index) => {
    for (const match of lineText.matchAll(REFERENCE)) {
      if (match[1] !== undefined) references.push({ file, line: index + 1, section: match[1] });
    }
  });
  return references;
}

/** The references whose section number is not among `sections`. */
export function unresolved(
  references: readonly SectionReference[],
  sections: ReadonlySet<string>,
): SectionReference[] {
  return references.filter((reference) => !sections.has(reference.section));
}

/** The lines of `text` (read from `file`) on which `pattern` matches. */
export function linesMatching(file: string, text: string, pattern: RegExp): Location[] {
  // Without the global flag, `test` keeps no position between lines.
  const once = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  return text
    .split('\n')
    .map((lineText, index) => ({ file, line: index + 1, hit: once.test(lineText) }))
    .filter((entry) => entry.hit)
    .map(({ file: name, line }) => ({ file: name, line }));
}

/** `file:line`, the form a failure message lists. */
export function describeLocation(location: Location): string {
  return `${location.file}:${location.line}`;
}

const SOURCE_EXTENSIONS = ['.ts', '.mjs', '.js'];

/**
 * The source files (.ts, .mjs, .js) under `directories` of `root`, as paths relative to `root`, leaving out
 * the directories in `excluded` (relative to `root` too) and `node_modules`.
 */
export function sourceFiles(
  root: string,
  directories: readonly string[],
  excluded: readonly string[],
): string[] {
  const skipped = new Set([...excluded.map((path) => join(root, path)), join(root, 'node_modules')]);
  const found: string[] = [];
  const visit = (directory: string): void => {
    if (skipped.has(directory)) return;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
        found.push(relative(root, path));
      }
    }
  };
  for (const directory of directories) visit(join(root, directory));
  return found.sort();
}

/** The text of a file given relative to `root`. */
export function readSource(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}
