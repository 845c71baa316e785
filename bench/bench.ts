/**
 * `npm run bench`: tokens per second of each engine on C2LLM-0.5B's shapes (random weights, a chosen
 * layer count), side by side in one run, as medians of several runs, with ratios against the baseline.
 *
 *   engines   webgpu  this engine's WGSL kernels (Dawn, on this machine's Vulkan driver)
 *             webgpu-int8  the same on the checkpoint in the int8 layout (`c2llm quantize`)
 *             cpu     this engine's CPU backend (the TypeScript-built ONNX graph on onnxruntime-node)
 *             cpu-int8  the same with int8 linear layers (--dtype int8)
 *             ort     baseline: plain onnxruntime-node running PyTorch's ONNX export of the same checkpoint
 *                     (tools/export_onnx.py; needs python3-torch) on prepared token embeddings
 *   workloads 1x128, 8x512, 1x2048, and a code-corpus mix (12 chunks of 30-600 tokens, 3748 in all)
 *
 * Flags: --layers N (2) --runs N (3) --engines webgpu,cpu,ort --workloads 8x512,... --profile --budget S (seconds per engine and
 * workload; workloads estimated to take longer are skipped and say so) --out FILE (.bench/results.json)
 *
 * With --profile, for the WebGPU engines it also profiles one 512-token pass (each dispatch timed alone: the linear
 * layers' GFLOP/s and each kernel's share of the time) and calibrates the matmul kernel alone on the
 * model's four linear shapes and four workgroup shapes: "linear layers vs the bench's best matmul".
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { Embedder } from '../src/embedder';
import { loadCheckpoint } from '../src/model/checkpoint';
import { GpuModel } from '../src/model/gpu-model';
import { createNodeGpu } from '../src/node/dawn';
import { directorySource } from '../src/node/fs-source';
import { describeExtras, gpuExtras, graphInputs, measure, plainSessionEmbed, probeAgreement, profileAgainstBestMatmul, resultTable, type EngineResult } from './measure';
import { checkpointSizes, writeInt8Checkpoint, writeRandomCheckpoint } from './random-checkpoint';
import { ensureTorchExport } from './torch-export';

const { values: flags } = parseArgs({
  options: {
    layers: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'webgpu,webgpu-int8,cpu,cpu-int8,ort' },
    budget: { type: 'string', default: '120' },
    out: { type: 'string', default: '.bench/results.json' },
    workloads: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const layers = Number(flags.layers);
const runs = Number(flags.runs);
const budgetSeconds = Number(flags.budget);
const engines = flags.engines!.split(',');

const log = (s: string) => process.stderr.write(`${s}\n`);
const measureOptions = { runs, budgetSeconds, log, workloads: flags.workloads?.split(',') };

async function main() {
  const dir = writeRandomCheckpoint(join('.bench', `c2llm-0.5b-shapes-${layers}-layers`), layers, join('fixtures', 'small-bf16-gqa2'));
  log(`checkpoint: ${dir} (C2LLM-0.5B shapes, ${layers} layers, random bf16); ${runs} runs per workload; ${cpus().length} cores`);
  const results: EngineResult[] = [];
  const gpu = await createNodeGpu();
  const int8Dir = engines.includes('webgpu-int8') ? await writeInt8Checkpoint(dir, log) : undefined;

  if (engines.includes('ort')) {
    const graph = ensureTorchExport(dir, log);
    log(`ort (baseline: onnxruntime-node on PyTorch's export ${graph}, inputs prepared outside the timing)`);
    const start = performance.now();
    const checkpoint = await loadCheckpoint(directorySource(dir));
    const session = await ort.InferenceSession.create(readFileSync(graph), { graphOptimizationLevel: 'all' });
    const embed = plainSessionEmbed<ort.Tensor>(
      (feeds) => session.run(feeds),
      (ids) => graphInputs(checkpoint, ids, (data, dims) => new ort.Tensor('float32', data, dims)),
    );
    results.push(await measure('ort', 'onnxruntime-node on the PyTorch export', start, embed, measureOptions));
    await session.release();
  }
  for (const engine of engines.filter((e) => e !== 'ort')) {
    const webgpu = engine.startsWith('webgpu');
    log(webgpu ? `${engine} (this engine, WGSL on Dawn)` : `${engine} (this engine, onnxruntime-node backend)`);
    const start = performance.now();
    const embedder = await Embedder.load(directorySource(engine === 'webgpu-int8' ? int8Dir! : dir), {
      device: webgpu ? 'webgpu' : 'cpu',
      dtype: engine.endsWith('-int8') ? 'int8' : 'auto',
      gpu,
      ort: async () => ({ module: ort, runtime: 'onnxruntime-node' }),
    });
    const backend = embedder.backend;
    const model = backend instanceof GpuModel ? backend : undefined;
    const computedTokens = model && (() => model.stats.tokens);
    const result = await measure(engine, backend.description, start, (seqs) => backend.embed(seqs), { ...measureOptions, computedTokens });
    if (model) {
      const profile = flags.profile ? await profileAgainstBestMatmul(model, model.context.gpu, engine.endsWith('-int8'), runs, log) : undefined;
      result.extra = { ...gpuExtras(model, layers, result), profile };
    }
    results.push(result);
    embedder.dispose();
  }
  const table = resultTable(results, 'ort');
  const report = { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model, layers, runs, results };
  mkdirSync('.bench', { recursive: true });
  writeFileSync(flags.out!, JSON.stringify(report, null, 2));
  console.log(`C2LLM-0.5B shapes, ${layers} layers, tokens/s (median of ${runs}; ratio to onnxruntime-node on PyTorch's ONNX export)\n`);
  console.log(table);
  console.log('');
  for (const line of probeAgreement(results, 'ort')) console.log(line);
  for (const r of results) if (describeExtras(r)) console.log(`\n${describeExtras(r)}`);
  if (int8Dir) console.log(`\ndownload: ${checkpointSizes(dir, int8Dir)}`);
  console.log(`\nresults: ${flags.out}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
