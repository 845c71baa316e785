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
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
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
  // No file watching or HMR: an edit to the tree during a long run must not reload the page mid-measurement.
  const server = await createServer({ server: { host: '127.0.0.1', port: 5399, strictPort: true, watch: null, hmr: false }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => process.stderr.write(`${message.text()}\n`));
    await page.goto('http://127.0.0.1:5399/bench/chromium.html');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const request = { base: `/${dir}/`, int8Base: int8Dir ? `/${int8Dir}/` : '', baselineGraph: `/${baselineGraph}`, runs: Number(flags.runs), budgetSeconds: Number(flags.budget), engines, workloads: flags.workloads ? String(flags.workloads).split(',') : undefined, layers, profile: Boolean(flags.profile) };
    const results: EngineResult[] = await page.evaluate((r) => (window as unknown as { runBench(r: unknown): Promise<EngineResult[]> }).runBench(r), request);
    mkdirSync('.bench', { recursive: true });
    writeFileSync(String(flags.out), JSON.stringify({ date: new Date().toISOString(), browser: browser.version(), layers, results }, null, 2));
    for (const [baseline, name] of [['ort-wasm', "onnxruntime-web WASM on PyTorch's ONNX export"], ['ort-webgpu', "onnxruntime-web's WebGPU provider on PyTorch's ONNX export"]]) {
      if (!results.some((r) => r.engine === baseline)) continue;
      console.log(`\nChromium ${browser.version()}, C2LLM-0.5B shapes, ${layers} layers, tokens/s (median of ${flags.runs}; ratio to ${name})\n`);
      console.log(resultTable(results, baseline));
      console.log('');
      for (const line of probeAgreement(results, baseline)) console.log(line);
    }
    for (const r of results) if (describeExtras(r)) console.log(`\n${describeExtras(r)}`);
    if (int8Dir) console.log(`\ndownload: ${checkpointSizes(dir, int8Dir)}`);
    console.log(`\nresults: ${flags.out}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
