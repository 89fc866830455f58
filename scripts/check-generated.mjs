// Fails when proto/ does not build or lint, or when src/generated/ is not exactly what `buf generate` makes
// from proto/ now: the committed code must never drift from the protos it claims to come from.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const buf = join('node_modules', '.bin', 'buf');
const committed = join('src', 'generated');

function run(args) {
  execFileSync(buf, args, { stdio: 'inherit' });
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function snapshot(dir) {
  return new Map(listFiles(dir).map((path) => [relative(dir, path), readFileSync(path, 'utf8')]));
}

run(['build']);
run(['lint']);
const scratch = mkdtempSync(join(tmpdir(), 'esdbclient-generate-'));
try {
  run(['generate', '--output', scratch]);
  const fresh = snapshot(join(scratch, committed));
  const current = snapshot(committed);
  const problems = [];
  for (const [path, text] of fresh) {
    if (!current.has(path)) problems.push(`missing: ${path}`);
    else if (current.get(path) !== text) problems.push(`differs: ${path}`);
  }
  for (const path of current.keys()) if (!fresh.has(path)) problems.push(`not generated: ${path}`);
  if (problems.length > 0) {
    console.error(
      `src/generated/ is out of date with proto/ (run \`make generate\`):\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`codegen check: src/generated/ matches proto/ (${fresh.size} files)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
