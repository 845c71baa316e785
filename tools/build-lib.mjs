// `npm run build:lib`: the package's built files, what `npm pack` ships besides the CLI (dist/cli):
//   dist/lib/   the browser build: browser.js, search-box.js, engine-worker.js and their shared chunk (vite.lib.config.ts)
//   dist/standalone/  the search box and its worker with their dependencies, for a site without a bundler (the same config, --mode standalone)
//   dist/node/  the Node build: node.js (vite build --ssr of src/package/node.ts)
//   dist/types/ declarations (tsc -p tsconfig.lib.json); each entry's .d.ts references @webgpu/types
//               (a dependency of the package), so a consumer's strict project needs no setting for it.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args) => execFileSync(join(root, 'node_modules', '.bin', command), args, { cwd: root, stdio: 'inherit' });

for (const dir of ['dist/lib', 'dist/standalone', 'dist/node', 'dist/types']) rmSync(join(root, dir), { recursive: true, force: true });
run('vite', ['build', '-c', 'vite.lib.config.ts', '--logLevel', 'warn']);
run('vite', ['build', '-c', 'vite.lib.config.ts', '--mode', 'standalone', '--logLevel', 'warn']);
run('vite', ['build', '--ssr', 'src/package/node.ts', '--outDir', 'dist/node', '--logLevel', 'warn']);
run('tsc', ['-p', 'tsconfig.lib.json']);
for (const entry of ['browser', 'node', 'search-box']) {
  const file = join(root, 'dist', 'types', 'package', `${entry}.d.ts`);
  writeFileSync(file, `/// <reference types="@webgpu/types" />\n${readFileSync(file, 'utf8')}`);
}
