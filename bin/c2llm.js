#!/usr/bin/env node
// The CLI, built into dist/cli (a packed package ships it; in a checkout, `npm start`, `npm test` or `npm run build:cli` builds it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('c2llm: the CLI is not built in this checkout yet: run `npm run build:cli` (npm start and npm test do it too)\n');
  process.exit(1);
}
// onnxruntime-node 1.30 crashes (SIGSEGV) in any process whose command line is longer than about 30 KB,
// whatever the program: a long --query would take the cpu device down. Such arguments travel to a
// child process in the environment instead (C2LLM_ARGV, read by dist/cli/main.js), its command line short.
const ARGV_BYTES_LIMIT = 16 * 1024;
const args = process.argv.slice(2);
if (!process.env.C2LLM_ARGV && args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0) > ARGV_BYTES_LIMIT) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, C2LLM_ARGV: JSON.stringify(args) } });
  process.exit(child.status ?? 1);
}
await import(main.href);
