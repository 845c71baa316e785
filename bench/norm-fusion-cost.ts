/**
 * `npm run bench:norm-fusion`: what folding the RMSNorm weight into the following matmul would cost on
 * this adapter. The fused kernel would multiply each x vec4 by the norm weight's vec4 inside the k loop
 * (one more load and four vec4 multiplies per step, before even computing 1/rms per row); emulated by
 * multiplying by a vec4 read from x, on C2LLM-0.5B's q|k|v and gate|up shapes with 256 rows, bf16,
 * against the unchanged kernel: the best of 5 timed runs of 3 dispatches each, three times alternating.
 */
import { acquireGpu } from '../src/gpu/device';
import { PipelineCache } from '../src/gpu/pipelines';
import { PassRecorder } from '../src/gpu/recorder';
import { matmulSpec, recordMatmul } from '../src/kernels/matmul';
import { destroyMatrix, uploadF32, uploadMatrix } from '../src/kernels/weights';
import { createNodeGpu } from '../src/node/dawn';

const PLAIN = { bias: false, relu: false, accumulate: false };
async function main() {
  const gpu = await createNodeGpu();
  const ctx = await acquireGpu(gpu);
  const { device, limits } = ctx;
  const cache = new PipelineCache(device);
  const m = 256;
  for (const [name, n, k] of [['qkv', 1152, 896], ['gate|up', 9728, 896]] as const) {
    const bytes = Uint8Array.from({ length: n * k * 2 }, (_, i) => (i * 7919) % 251);
    const weight = uploadMatrix(device, name, [{ name, dtype: 'BF16', shape: [n, k], bytes, file: 'x' }], limits.maxStorageBufferBindingSize);
    const base = matmulSpec('BF16', PLAIN, [4, 16]);
    const src = base.source.replace('let xv0 = x[(x0_row + k) >> 2u];', 'let nw = x[k >> 2u];\n      let xv0 = x[(x0_row + k) >> 2u] * nw;')
      .replace('let xv1 = x[(x1_row + k) >> 2u];', 'let xv1 = x[(x1_row + k) >> 2u] * nw;')
      .replace('let xv2 = x[(x2_row + k) >> 2u];', 'let xv2 = x[(x2_row + k) >> 2u] * nw;')
      .replace('let xv3 = x[(x3_row + k) >> 2u];', 'let xv3 = x[(x3_row + k) >> 2u] * nw;');
    if (src === base.source) throw new Error('shader changed');
    const fused = { ...base, key: `${base.key}_normweight`, source: src };
    const x = uploadF32(device, 'x', new Float32Array(m * k).fill(0.25), GPUBufferUsage.STORAGE);
    const out = device.createBuffer({ size: m * n * 4, usage: GPUBufferUsage.STORAGE });
    const time = async (spec: typeof base) => {
      const kernel = await cache.get(spec);
      const runs: number[] = [];
      for (let r = 0; r < 6; r++) {
        const rec = new PassRecorder(device, limits.minUniformBufferOffsetAlignment, limits.maxComputeWorkgroupsPerDimension, 't');
        for (let d = 0; d < 3; d++) recordMatmul(rec, kernel, { x, weight, bias: x, out, m });
        const t0 = performance.now();
        rec.submit({ dispatches: 0, submits: 0 });
        await device.queue.onSubmittedWorkDone();
        if (r > 0) runs.push((performance.now() - t0) / 3);
      }
      return Math.min(...runs);
    };
    const results: Record<string, number[]> = { plain: [], fused: [] };
    for (let rep = 0; rep < 3; rep++) {
      results.plain.push(await time(base));
      results.fused.push(await time(fused));
    }
    const best = (xs: number[]) => Math.min(...xs);
    console.log(`${name} ${m}x${n}x${k}: plain ${best(results.plain).toFixed(1)} ms, with the norm-weight multiply ${best(results.fused).toFixed(1)} ms (+${((best(results.fused) / best(results.plain) - 1) * 100).toFixed(1)}%)`);
    destroyMatrix(weight);
  }
  ctx.destroy();
  process.exit(0);
}
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
