// Every section reference in the code must land on a numbered heading of docs/protocol.md, and no file may
// still point at the old facts document that lived outside the repository. The section sign is written as
// the escape \u00a7 here, since this file is scanned like every other.
import { join } from 'node:path';
import {
  describeLocation,
  linesMatching,
  numberedHeadings,
  readSource,
  referencesIn,
  sourceFiles,
  unresolved,
  type SectionReference,
} from './section-references.js';

const ROOT = join(__dirname, '..', '..');
const DOCUMENT = 'docs/protocol.md';
const SCANNED = ['src', 'test', 'bench', 'scripts'];
const NOT_SCANNED = ['src/generated'];

/** How comments used to name the outside document: its title, or its file name with a hyphen. */
const RETIRED_NAME = /protocol[ -]facts/i;

const S = '\u00a7';

describe('the section-reference parser', () => {
  test('finds references written with or without a space, in lists, ranges and at the end of a sentence', () => {
    const text = [
      `// as ${S}3.14 Read step 4 says`,
      `/* ${S} 3.1.1, then ${S}3.7, ${S}3.9. */`,
      `// ${S}3.11–${S}3.13 and ${S}0 version matrix; see ${S}5.`,
      '// 3.2 without the sign is not a reference',
    ].join('\n');

    expect(referencesIn('a.ts', text)).toEqual([
      { file: 'a.ts', line: 1, section: '3.14' },
      { file: 'a.ts', line: 2, section: '3.1.1' },
      { file: 'a.ts', line: 2, section: '3.7' },
      { file: 'a.ts', line: 2, section: '3.9' },
      { file: 'a.ts', line: 3, section: '3.11' },
      { file: 'a.ts', line: 3, section: '3.13' },
      { file: 'a.ts', line: 3, section: '0' },
      { file: 'a.ts', line: 3, section: '5' },
    ]);
  });

  test('reads numbered headings with their level, and skips other headings and fenced code', () => {
    const markdown = [
      '# Title',
      '## Abbreviations',
      '## 0 Sources',
      '### 1.2 Methods',
      '#### 3.1.1 Errors',
      '```',
      '## 9 not a heading inside a fence',
      '```',
      '##3 no space is not a heading',
    ].join('\n');

    expect(numberedHeadings(markdown)).toEqual([
      { section: '0', level: 2, line: 3 },
      { section: '1.2', level: 3, line: 4 },
      { section: '3.1.1', level: 4, line: 5 },
    ]);
  });

  test('reports a reference whose section has no heading, and only that one', () => {
    const references = referencesIn('b.ts', `// ${S}3.1 and ${S}9.99\n// ${S}3.1.2`);
    const sections = new Set(
      numberedHeadings('## 3 Behaviour\n### 3.1 Errors\n#### 3.1.2 Others').map((h) => h.section),
    );

    expect(unresolved(references, sections)).toEqual([{ file: 'b.ts', line: 1, section: '9.99' }]);
  });

  test('finds both spellings of the retired name', () => {
    // Put together from parts, so that this file does not contain the name it looks for.
    const word = 'Facts';
    const text = [
      `// see the Protocol ${word}`,
      `// ../shared/protocol-${word.toLowerCase()}.md ${S}2`,
      '// protocol notes',
    ].join('\n');

    expect(linesMatching('c.ts', text, RETIRED_NAME)).toEqual([
      { file: 'c.ts', line: 1 },
      { file: 'c.ts', line: 2 },
    ]);
  });
});

describe(DOCUMENT, () => {
  const document = readSource(ROOT, DOCUMENT);
  const headings = numberedHeadings(document);
  const sections = new Set(headings.map((heading) => heading.section));
  const files = sourceFiles(ROOT, SCANNED, NOT_SCANNED);
  const references = files.flatMap((file) => referencesIn(file, readSource(ROOT, file)));

  const listed = (found: readonly SectionReference[]): string[] =>
    found.map((reference) => `${describeLocation(reference)} ${S}${reference.section}`);

  test('the scan sees the code and its references', () => {
    expect(files).toContain('src/client/esdb-client.ts');
    expect(files).toContain('test/docs/protocol-references.test.ts');
    expect(files.some((file) => file.startsWith('src/generated/'))).toBe(false);
    for (const directory of ['src/', 'test/']) {
      expect(references.some((reference) => reference.file.startsWith(directory))).toBe(true);
    }
  });

  test('numbered headings are unique, and their level follows the depth of the number', () => {
    const duplicates = headings.filter((heading, index) =>
      headings.some((other, earlier) => earlier < index && other.section === heading.section),
    );
    const misplaced = headings.filter((heading) => heading.level !== heading.section.split('.').length + 1);

    expect(duplicates).toEqual([]);
    expect(misplaced).toEqual([]);
  });

  test('every section reference in src/, test/, bench/ and scripts/ has a heading', () => {
    expect(listed(unresolved(references, sections))).toEqual([]);
  });

  test('every cross-reference inside the document has a heading', () => {
    expect(listed(unresolved(referencesIn(DOCUMENT, document), sections))).toEqual([]);
  });

  test('no file still names the old facts document', () => {
    const stale = files.flatMap((file) => linesMatching(file, readSource(ROOT, file), RETIRED_NAME));

    expect(stale.map(describeLocation)).toEqual([]);
  });
});
