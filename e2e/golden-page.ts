/**
 * Test page for the Chromium golden tests: exposes `runGolden(checkpoint)` which loads a fixture
 * checkpoint over HTTP, embeds the golden texts on WebGPU (batched, and optionally one by one) and
 * returns plain arrays for the test to compare in Node.
 */
import { Embedder } from '../src/embedder';
import { GpuModel } from '../src/model/gpu-model';
import { urlSource } from '../src/model/url-source';

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

Object.assign(window, { runGolden });
document.getElementById('status')!.textContent = 'ready';
