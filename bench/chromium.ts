/**
 * `npm run bench` (Chromium part): serves the project with Vite, opens bench/chromium.html in headless
 * Chromium with WebGPU enabled, runs the engines there and prints the same table as the Node bench.
 * Flags: --layers N --runs N --budget S --engines webgpu,webgpu-int8,cpu,ort-wasm,ort-webgpu --workloads 8x512,...
 * --profile (also time one pass per kernel and calibrate the matmul) --out FILE.
 * Ratios are printed against each baseline present: onnxruntime-web WASM and its WebGPU provider, both
 * running PyTorch's ONNX export of the same checkpoint (tools/export_onnx.py; needs python3-torch).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runInChromium } from './in-chromium';
import { probeAgreement, resultTable, describeExtras, type EngineResult } from './measure';
import { checkpointSizes, writeInt8Checkpoint, writeRandomCheckpoint } from './random-checkpoint';
import { ensureTorchExport } from './torch-export';

const { values: flags } = parseArgs({
  options: {
    layers: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    budget: { type: 'string', default: '120' },
    engines: { type: 'string', default: 'ort-wasm,cpu,webgpu,ort-webgpu' },
    workloads: { type: 'string' },
    out: { type: 'string', default: '.bench/results-chromium.json' },
    profile: { type: 'boolean', default: false },
  },
  strict: false,
});

async function main() {
  const layers = Number(flags.layers);
  const dir = writeRandomCheckpoint(join('.bench', `c2llm-0.5b-shapes-${layers}-layers`), layers, join('fixtures', 'small-bf16-gqa2'));
  const engines = String(flags.engines).split(',');
  const int8Dir = engines.includes('webgpu-int8') ? await writeInt8Checkpoint(dir, (line) => process.stderr.write(`${line}\n`)) : undefined;
  const baselineGraph = engines.some((e) => e.startsWith('ort-')) ? ensureTorchExport(dir, (line) => process.stderr.write(`${line}\n`)) : '';
  const request = { base: `/${dir}/`, int8Base: int8Dir ? `/${int8Dir}/` : '', baselineGraph: `/${baselineGraph}`, runs: Number(flags.runs), budgetSeconds: Number(flags.budget), engines, workloads: flags.workloads ? String(flags.workloads).split(',') : undefined, layers, profile: Boolean(flags.profile) };
  const { result: results, browserVersion } = await runInChromium<EngineResult[]>(5399, 'bench/chromium.html', 'runBench', request);
  mkdirSync('.bench', { recursive: true });
  writeFileSync(String(flags.out), JSON.stringify({ date: new Date().toISOString(), browser: browserVersion, layers, results }, null, 2));
  for (const [baseline, name] of [['ort-wasm', "onnxruntime-web WASM on PyTorch's ONNX export"], ['ort-webgpu', "onnxruntime-web's WebGPU provider on PyTorch's ONNX export"]]) {
    if (!results.some((r) => r.engine === baseline)) continue;
    console.log(`\nChromium ${browserVersion}, C2LLM-0.5B shapes, ${layers} layers, tokens/s (median of ${flags.runs}; ratio to ${name})\n`);
    console.log(resultTable(results, baseline));
    console.log('');
    for (const line of probeAgreement(results, baseline)) console.log(line);
  }
  for (const r of results) if (describeExtras(r)) console.log(`\n${describeExtras(r)}`);
  if (int8Dir) console.log(`\ndownload: ${checkpointSizes(dir, int8Dir)}`);
  console.log(`\nresults: ${flags.out}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
