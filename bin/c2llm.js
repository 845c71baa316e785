#!/usr/bin/env node
// The CLI, built into dist/cli (a packed package ships it; in a checkout, `npm start`, `npm test` or `npm run build:cli` builds it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('c2llm: the CLI is not built in this checkout yet: run `npm run build:cli` (npm start and npm test do it too)\n');
  process.exit(1);
}
await import(main.href);
