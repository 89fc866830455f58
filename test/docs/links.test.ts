// The documents' links: every relative link must name a file or directory of the repository, and every anchor
// (`#heading`, here or in another document) a heading of its document, by GitHub's rule for heading ids. The
// documents with a "Contents" section must link every one of their ## and ### headings from there.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
const DOCUMENTS = ['README.md', 'CONTRIBUTING.md', 'docs/emulator.md', 'docs/protocol.md', 'bench/README.md'];
const WITH_CONTENTS = ['README.md', 'CONTRIBUTING.md', 'docs/emulator.md'];

/** A heading: its level (number of #) and text. */
interface Heading {
  readonly level: number;
  readonly text: string;
}

/** The lines of a markdown text outside fenced code blocks. */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  });
}

function headingsOf(markdown: string): Heading[] {
  return proseLines(markdown).flatMap((line) => {
    const match = /^(#{1,6}) (.*)$/.exec(line);
    return match === null ? [] : [{ level: match[1]?.length ?? 0, text: match[2] ?? '' }];
  });
}

/** GitHub's id of a heading: its visible text, lower-cased, punctuation dropped, spaces as hyphens. */
function slugOf(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The ids of a document's headings; a repeated id gets -1, -2, … as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const heading of headingsOf(markdown)) {
    const slug = slugOf(heading.text);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of the links and images of some markdown lines, code spans left out. */
function linkTargetsOf(lines: readonly string[]): string[] {
  const text = lines.join('\n').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
}

/** What is wrong with one link of `document`, or undefined. */
function problemOf(document: string, target: string): string | undefined {
  if (/^[a-z][a-z+.-]*:/i.test(target)) return undefined; // https:, mailto: …
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? join(root, document) : join(root, dirname(document), path);
  if (!existsSync(file)) return `${document}: ${target}: no such file`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  if (anchorsOf(readFileSync(file, 'utf8')).has(anchor)) return undefined;
  return `${document}: ${target}: no heading #${anchor} in ${relative(root, file)}`;
}

test('heading ids follow GitHub', () => {
  expect(slugOf('Testing without Docker: the emulator')).toBe('testing-without-docker-the-emulator');
  expect(slugOf('The `NewEvent` class')).toBe('the-newevent-class');
  expect(slugOf('startEmulator')).toBe('startemulator');
  expect([...anchorsOf('## Notes\n```sh\n# not a heading\n```\n### Notes\n')]).toEqual(['notes', 'notes-1']);
});

describe.each(DOCUMENTS)('%s', (document) => {
  const markdown = readFileSync(join(root, document), 'utf8');

  test('every relative link resolves, anchors included', () => {
    const problems = linkTargetsOf(proseLines(markdown)).map((target) => problemOf(document, target));
    expect(problems.filter((problem) => problem !== undefined)).toEqual([]);
  });
});

describe.each(WITH_CONTENTS)('the Contents of %s', (document) => {
  const markdown = readFileSync(join(root, document), 'utf8');

  test('link every ## and ### heading', () => {
    const lines = proseLines(markdown);
    const start = lines.indexOf('## Contents');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
    const listed = new Set(linkTargetsOf(lines.slice(start, end)));
    const missing = headingsOf(markdown)
      .filter((heading) => heading.level <= 3 && heading.level >= 2 && heading.text !== 'Contents')
      .map((heading) => `#${slugOf(heading.text)}`)
      .filter((anchor) => !listed.has(anchor));
    expect(missing).toEqual([]);
  });
});
