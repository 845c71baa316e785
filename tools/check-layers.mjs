#!/usr/bin/env node
// The dependency rule of src/, written once: a module may import from its own folder and from the
// layers below its own, never from a layer above, and no chain of imports may come back to where it
// started. Exits 1 naming every upward import and every cycle.
//   node tools/check-layers.mjs [SRC_DIR]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Top to bottom. Each entry is a folder of src/ (or a top-level module, by its file name). */
export const LAYERS = [
  ['package'],
  ['demo', 'cli', 'search-box'],
  ['worker'],
  ['node', 'load'],
  ['embedder.ts'],
  ['search'],
  ['model'],
  ['onnx'],
  ['kernels'],
  ['gpu'],
  ['wasm'],
  ['text'],
  ['tensor'],
  ['retry.ts'],
  ['errors.ts', 'hash.ts', 'batching.ts', 'progress.ts'],
];

const root = resolve(process.argv[2] ?? 'src');
const levelOf = new Map(LAYERS.flatMap((names, level) => names.map((n) => [n, level])));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function unitOf(file) {
  const [first] = relative(root, file).split(sep);
  return first;
}

const problems = [];
const graph = new Map();
for (const file of files(root)) {
  const unit = unitOf(file);
  if (!levelOf.has(unit)) problems.push(`${relative(root, file)}: "${unit}" is in no layer of tools/check-layers.mjs`);
  const edges = [];
  const source = readFileSync(file, 'utf8');
  for (const [, spec] of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    if (spec.includes('?raw')) continue;
    const target = resolve(dirname(file), spec.endsWith('.ts') ? spec : `${spec}.ts`);
    if (!target.startsWith(root + sep)) continue;
    edges.push(target);
    const [from, to] = [levelOf.get(unit), levelOf.get(unitOf(target))];
    if (from !== undefined && to !== undefined && to < from) {
      problems.push(`${relative(root, file)} imports ${relative(root, target)}: ${unitOf(target)} is a layer above ${unit}`);
    } else if (from === to && unit !== unitOf(target)) {
      problems.push(`${relative(root, file)} imports ${relative(root, target)}: ${unit} and ${unitOf(target)} share a layer and must not import each other`);
    }
  }
  graph.set(file, edges);
}

const state = new Map();
const stack = [];
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'open') {
      const cycle = stack.slice(stack.indexOf(next)).concat(next).map((f) => relative(root, f));
      problems.push(`import cycle: ${cycle.join(' -> ')}`);
    } else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length) {
  console.error(`check-layers: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`check-layers: ${graph.size} modules, ${[...graph.values()].reduce((n, e) => n + e.length, 0)} imports, all pointing down; no cycles`);
