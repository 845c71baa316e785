/**
 * Test page for the Chromium tests: `runGolden(checkpoint)` loads a fixture checkpoint over HTTP,
 * embeds the golden texts on WebGPU (batched, and optionally one by one) and returns plain arrays for
 * the test to compare in Node; `embedTexts` does the same for any checkpoint URL; `timeQuery` times a
 * query's embedding with a warm model.
 */
import { Embedder } from '../src/embedder';
import { GpuModel } from '../src/model/gpu-model';
import { urlSource } from '../src/load/url-source';
import { applyPrompt } from '../src/text/prompts';

interface GoldenRun {
  adapter: string;
  batched: number[][];
  single: number[][] | null;
  dispatches: number;
  submits: number;
}

async function runGolden(checkpoint: string, oneByOne: boolean, device: 'webgpu' | 'cpu' = 'webgpu'): Promise<GoldenRun> {
  const texts: string[] = await (await fetch('/fixtures/texts.json')).json();
  const ort = async () => ({ module: await import('onnxruntime-web/wasm'), runtime: 'onnxruntime-web WASM' });
  const embedder = await Embedder.load(urlSource(`/fixtures/${checkpoint}/`), { device, gpu: navigator.gpu, ort });
  try {
    const model = embedder.backend;
    const batched = (await embedder.embed(texts)).map((v) => Array.from(v));
    const { dispatches, submits } = model instanceof GpuModel ? model.lastPass : { dispatches: 0, submits: 0 };
    let single: number[][] | null = null;
    if (oneByOne) {
      single = [];
      for (const text of texts) single.push(Array.from((await embedder.embed([text]))[0]));
    }
    return { adapter: model.description, batched, single, dispatches, submits };
  } finally {
    embedder.dispose();
  }
}

/** Embeds `text` (as a query) `runs` times with a warm model; returns its token count and each run's milliseconds. */
async function timeQuery(modelUrl: string, text: string, runs: number, device: 'webgpu' | 'cpu' | 'reference'): Promise<{ tokens: number; ms: number[]; adapter: string }> {
  const ort = async () => ({ module: await import('onnxruntime-web/wasm'), runtime: 'onnxruntime-web WASM' });
  const embedder = await Embedder.load(urlSource(modelUrl), { device, gpu: navigator.gpu, ort });
  try {
    const query = applyPrompt(text, { kind: 'query' });
    await embedder.embed([query]);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await embedder.embed([query]);
      ms.push(performance.now() - started);
    }
    return { tokens: embedder.tokenize(query).length, ms, adapter: embedder.backend.description };
  } finally {
    embedder.dispose();
  }
}

/** Embeds `texts` as given with the checkpoint at `modelUrl`; plain arrays for the test. */
async function embedTexts(modelUrl: string, texts: string[], device: 'webgpu' | 'cpu'): Promise<number[][]> {
  const ort = async () => ({ module: await import('onnxruntime-web/wasm'), runtime: 'onnxruntime-web WASM' });
  const embedder = await Embedder.load(urlSource(modelUrl), { device, gpu: navigator.gpu, ort });
  try {
    return (await embedder.embed(texts)).map((v) => Array.from(v));
  } finally {
    embedder.dispose();
  }
}

Object.assign(window, { runGolden, timeQuery, embedTexts });
document.getElementById('status')!.textContent = 'ready';
