/**
 * The matmul's workgroup shape, chosen per adapter at load: each candidate shape the adapter's limits
 * allow is compiled and timed on one of the model's own matrices, and the fastest is kept. Software
 * adapters and GPUs disagree on the best shape; a few dispatches at load settle it.
 */
import type { GpuContext } from '../gpu/device';
import type { PipelineCache } from '../gpu/pipelines';
import { PassRecorder } from '../gpu/recorder';
import { matmulSpec, recordMatmul } from './matmul';
import { uploadF32, type WeightMatrix } from './weights';

export type Workgroup = readonly [number, number];

/** Workgroup shapes in 4x4-output tiles (x across the weight's rows, y across the tokens). */
export const MATMUL_WORKGROUPS: readonly Workgroup[] = [[16, 4], [8, 8], [64, 1], [4, 16]];

const PLAIN = { bias: false, relu: false, accumulate: false };
const DISPATCHES_PER_TIMING = 3;

export interface MatmulTuning {
  readonly workgroup: Workgroup;
  /** Milliseconds per dispatch of each candidate ("16x4" -> ms), the best of the timed runs. */
  readonly timings: Readonly<Record<string, number>>;
}

export function allowedWorkgroups(limits: GpuContext['limits']): Workgroup[] {
  return MATMUL_WORKGROUPS.filter(([x, y]) => x <= limits.maxComputeWorkgroupSizeX && y <= limits.maxComputeWorkgroupSizeY && x * y <= limits.maxComputeInvocationsPerWorkgroup);
}

/** Times every allowed shape on `weight` with `rows` rows of input (one warm-up, then the best of `timedRuns`). */
export async function tuneMatmulWorkgroup(gpu: GpuContext, cache: PipelineCache, weight: WeightMatrix, rows: number, timedRuns = 2): Promise<MatmulTuning> {
  const { device, limits } = gpu;
  const candidates = allowedWorkgroups(limits);
  const kernels = await Promise.all(candidates.map((wg) => cache.get(matmulSpec(weight.dtype, PLAIN, wg))));
  const x = uploadF32(device, 'tuning_x', new Float32Array(rows * weight.cols).fill(0.25), GPUBufferUsage.STORAGE);
  const out = device.createBuffer({ label: 'tuning_out', size: rows * weight.rows * 4, usage: GPUBufferUsage.STORAGE });
  const timings: Record<string, number> = {};
  const spent: GPUBuffer[] = [x, out];
  try {
    for (const [i, kernel] of kernels.entries()) {
      let best = Infinity;
      for (let run = 0; run <= timedRuns; run++) {
        const rec = new PassRecorder(device, limits.minUniformBufferOffsetAlignment, limits.maxComputeWorkgroupsPerDimension, 'matmul_tuning');
        for (let d = 0; d < DISPATCHES_PER_TIMING; d++) recordMatmul(rec, kernel, { x, weight, bias: x, out, m: rows });
        const start = performance.now();
        spent.push(rec.submit({ dispatches: 0, submits: 0 }));
        await device.queue.onSubmittedWorkDone();
        if (run > 0) best = Math.min(best, (performance.now() - start) / DISPATCHES_PER_TIMING);
      }
      timings[candidates[i].join('x')] = best;
    }
  } finally {
    for (const buffer of spent) buffer.destroy();
  }
  const fastest = candidates.reduce((a, b) => (timings[b.join('x')] < timings[a.join('x')] ? b : a));
  return { workgroup: fastest, timings };
}
