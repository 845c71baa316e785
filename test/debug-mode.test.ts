/**
 * Debug mode: the whole model on WebGPU (Dawn) with every step's output copied out (GpuModel.trace),
 * diffed step by step against the TypeScript reference (ReferenceModel.trace, model/trace.ts). On the
 * real kernels every step agrees; with one kernel deliberately broken (its WGSL patched before
 * compiling), the diff names the first step that disagrees and the kernel that computed it.
 */
import { describe, expect, test } from 'vitest';
import { loadCheckpoint, openCheckpoint } from '../src/model/checkpoint';
import { GpuModel } from '../src/model/gpu-model';
import { ReferenceModel } from '../src/model/reference-model';
import { firstDisagreement } from '../src/model/trace';
import { directorySource } from '../src/node/fs-source';
import { checkpointDir, golden } from './helpers/fixtures';
import { testGpu } from './helpers/gpu';

const NAME = 'small-bf16-gqa2';
const TEXT = 3;

async function gpuModel(patchShader?: (key: string, source: string) => string): Promise<GpuModel> {
  const gpu = await testGpu();
  return GpuModel.load(gpu, await openCheckpoint(directorySource(checkpointDir(NAME))), { maxLength: 2048, matmulWorkgroup: [4, 4], patchShader });
}

/** A patch that changes `from` to `to` in the kernels whose key starts with `prefix`, and fails if `from` is not there. */
function breaking(prefix: string, from: string, to: string): (key: string, source: string) => string {
  return (key, source) => {
    if (!key.startsWith(prefix)) return source;
    if (!source.includes(from)) throw new Error(`kernel ${key}: "${from}" not found to break`);
    return source.replace(from, to);
  };
}

describe('debug mode', () => {
  const ids = Uint32Array.from(golden(NAME).tokens[TEXT]);

  test('every step of the GPU forward pass agrees with the reference, and the last step is the embedding', async () => {
    const reference = new ReferenceModel(await loadCheckpoint(directorySource(checkpointDir(NAME))));
    const model = await gpuModel();
    try {
      const gpuSteps = await model.trace(ids);
      const referenceSteps = reference.trace(ids);
      const layers = referenceSteps.filter((s) => s.name.endsWith('.qkv')).length;
      expect(layers).toBe(2);
      // embedding, 7 steps a layer, the final norm, then the PMA head's kv, attention, ln0, fc_o, ln1.
      expect(gpuSteps.map((s) => s.name)).toEqual(referenceSteps.map((s) => s.name));
      expect(gpuSteps).toHaveLength(1 + 7 * layers + 1 + 5);
      expect(gpuSteps.every((s) => s.kernel)).toBe(true);
      expect(firstDisagreement(gpuSteps, referenceSteps)).toBeUndefined();
      expect(Array.from(gpuSteps.at(-1)!.values)).toEqual(Array.from((await model.embed([ids]))[0]));
    } finally {
      model.dispose();
    }
  });

  test.each([
    ['attention (q scaled 1% too much)', breaking('attention', '* params.scale;', '* params.scale * 1.01;'), 'layer0.attention', /^attention/],
    ['rmsnorm (mean over cols + 1)', breaking('rmsnorm', '/ f32(params.cols)', '/ f32(params.cols + 1u)'), 'layer0.input_norm', /^rmsnorm/],
    ['the SwiGLU epilogue (gate sharpened)', breaking('matmul', 'exp(-gate)', 'exp(-1.01 * gate)'), 'layer0.gate_up', /^matmul.*swiglu/],
  ])('a deliberately broken kernel, %s: named as the first step that disagrees', async (_, patch, step, kernel) => {
    const reference = new ReferenceModel(await loadCheckpoint(directorySource(checkpointDir(NAME))));
    const model = await gpuModel(patch);
    try {
      const found = firstDisagreement(await model.trace(ids), reference.trace(ids));
      expect(found?.step).toBe(step);
      expect(found?.kernel).toMatch(kernel);
      expect(found!.maxAbs).toBeGreaterThan(found!.tolerance);
    } finally {
      model.dispose();
    }
  });
});
