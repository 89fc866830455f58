// Builds dist/: the same sources compiled twice, once as CommonJS and once as ES modules, each with its
// declarations, so that package.json's "exports" map can serve `require` and `import` alike.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const tsc = join('node_modules', '.bin', 'tsc');
const flavours = [
  // With module node16 the output format follows the nearest package.json "type": dist/cjs says commonjs.
  { dir: 'dist/cjs', type: 'commonjs', args: [] },
  { dir: 'dist/esm', type: 'module', args: ['--module', 'es2022', '--moduleResolution', 'bundler'] },
];

rmSync('dist', { recursive: true, force: true });
for (const { dir, type, args } of flavours) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ type })}\n`);
  execFileSync(tsc, ['-p', 'tsconfig.build.json', '--outDir', dir, ...args], { stdio: 'inherit' });
}

// package.json's "bin". npm sets the run bit when it installs the package, but `node_modules/.bin` links made
// any other way (and anyone running dist straight from a checkout) need it in the file itself.
const bin = join('dist', 'cjs', 'emulator', 'cli.js');
if (!readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')) {
  throw new Error(`${bin} must start with a "#!/usr/bin/env node" line`);
}
chmodSync(bin, 0o755);
console.log('built dist/cjs and dist/esm');
