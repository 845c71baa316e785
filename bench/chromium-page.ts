/**
 * The benchmark inside Chromium: this engine on WebGPU and on its CPU backend (onnxruntime-web WASM),
 * beside plain onnxruntime-web sessions (WASM and WebGPU providers) running PyTorch's ONNX export of the
 * same checkpoint (bench/torch-export.ts). Driven by bench/chromium.ts through `window.runBench`.
 */
import { Embedder } from '../src/embedder';
import { loadCheckpoint } from '../src/model/checkpoint';
import { GpuModel } from '../src/model/gpu-model';
import { urlSource } from '../src/load/url-source';
import { gpuExtras, graphInputs, measure, plainSessionEmbed, profileAgainstBestMatmul, type EngineResult } from './measure';

interface BenchRequest {
  readonly base: string;
  /** The same checkpoint in the int8 layout (engine webgpu-int8). */
  readonly int8Base: string;
  /** URL of PyTorch's ONNX export of the checkpoint, run by the onnxruntime-web baselines. */
  readonly baselineGraph: string;
  readonly runs: number;
  readonly budgetSeconds: number;
  readonly engines: readonly string[];
  readonly workloads?: readonly string[];
  readonly layers: number;
  /** Also profile one pass and calibrate the matmul (WebGPU engines). */
  readonly profile: boolean;
}


const threads = () => (self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1);

async function runBench(request: BenchRequest): Promise<EngineResult[]> {
  const options = { runs: request.runs, budgetSeconds: request.budgetSeconds, workloads: request.workloads, log: (line: string) => console.log(line) };
  const results: EngineResult[] = [];
  for (const engine of request.engines) {
    console.log(`${engine}`);
    const start = performance.now();
    if (engine.startsWith('webgpu') || engine === 'cpu') {
      const embedder = await Embedder.load(urlSource(engine === 'webgpu-int8' ? request.int8Base : request.base), {
        device: engine === 'cpu' ? 'cpu' : 'webgpu',
        dtype: engine.endsWith('-int8') ? 'int8' : 'auto',
        gpu: navigator.gpu,
        ort: async () => {
          const ort = await import('onnxruntime-web/wasm');
          ort.env.wasm.numThreads = threads();
          return { module: ort, runtime: `onnxruntime-web WASM, ${threads()} threads` };
        },
      });
      const backend = embedder.backend;
      const model = backend instanceof GpuModel ? backend : undefined;
      const computedTokens = model && (() => model.stats.tokens);
      const result = await measure(engine, backend.description, start, (seqs) => backend.embed(seqs), { ...options, computedTokens });
      if (model) {
        const profile = request.profile ? await profileAgainstBestMatmul(model, navigator.gpu, engine.endsWith('-int8'), request.runs, options.log) : undefined;
        result.extra = { ...gpuExtras(model, request.layers, result), profile };
      }
      results.push(result);
      embedder.dispose();
      continue;
    }
    const ort = engine === 'ort-webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
    ort.env.wasm.numThreads = threads();
    const checkpoint = await loadCheckpoint(urlSource(request.base));
    const graph = new Uint8Array(await (await fetch(request.baselineGraph)).arrayBuffer());
    const provider = engine === 'ort-webgpu' ? 'webgpu' : 'wasm';
    const session = await ort.InferenceSession.create(graph, { executionProviders: [provider], graphOptimizationLevel: 'all' });
    const embed = plainSessionEmbed<InstanceType<typeof ort.Tensor>>(
      (feeds) => session.run(feeds),
      (ids) => graphInputs(checkpoint, ids, (data, dims) => new ort.Tensor('float32', data, dims)),
    );
    const label = provider === 'webgpu' ? 'onnxruntime-web, WebGPU provider (PyTorch export)' : `onnxruntime-web, WASM ${threads()} threads (PyTorch export)`;
    results.push(await measure(engine, label, start, embed, options));
    await session.release();
  }
  return results;
}

Object.assign(window, { runBench });
document.getElementById('status')!.textContent = 'ready';
