/** RMSNorm (backbone) and LayerNorm (PMA head, optionally with the final L2 normalisation). */
import type { CompiledKernel, KernelSpec } from '../gpu/pipelines';
import type { Binding, PassRecorder } from '../gpu/recorder';
import { SHADERS, withWorkgroupSum } from '../gpu/shaders';

export function rmsNormSpec(workgroupSize = 64): KernelSpec {
  return { key: `rmsnorm_wg${workgroupSize}`, source: withWorkgroupSum(SHADERS.rmsnorm), constants: { WORKGROUP_SIZE: workgroupSize } };
}

export function layerNormSpec(l2Normalize: boolean, workgroupSize = 64): KernelSpec {
  return {
    key: `layernorm_wg${workgroupSize}${l2Normalize ? '_l2' : ''}`,
    source: withWorkgroupSum(SHADERS.layernorm),
    constants: { WORKGROUP_SIZE: workgroupSize, L2_NORMALIZE: l2Normalize },
  };
}

export function recordRmsNorm(rec: PassRecorder, kernel: CompiledKernel, args: { x: Binding; weight: Binding; out: Binding; rows: number; cols: number; eps: number }): void {
  const bytes = { x: 4 * args.rows * args.cols, weight: 4 * args.cols, y: 4 * args.rows * args.cols };
  rec.dispatch(kernel, { rows: args.rows, cols: args.cols, eps: args.eps }, { x: args.x, weight: args.weight, y: args.out }, [args.rows], bytes);
}

export function recordLayerNorm(rec: PassRecorder, kernel: CompiledKernel, args: { x: Binding; weight: Binding; bias: Binding; out: Binding; rows: number; cols: number; eps: number }): void {
  const bytes = { x: 4 * args.rows * args.cols, weight: 4 * args.cols, bias: 4 * args.cols, y: 4 * args.rows * args.cols };
  rec.dispatch(kernel, { rows: args.rows, cols: args.cols, eps: args.eps }, { x: args.x, weight: args.weight, bias: args.bias, y: args.out }, [args.rows], bytes);
}

export function rmsNormReference(x: Float32Array, weight: Float32Array, rows: number, cols: number, eps: number): Float32Array {
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += x[r * cols + c] ** 2;
    const scale = 1 / Math.sqrt(sum / cols + eps);
    for (let c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] * scale * weight[c];
  }
  return y;
}

export function layerNormReference(x: Float32Array, weight: Float32Array, bias: Float32Array, rows: number, cols: number, eps: number, l2Normalize: boolean): Float32Array {
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    const mean = row.reduce((a, b) => a + b, 0) / cols;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / cols;
    const z = Array.from(row, (v, c) => ((v - mean) / Math.sqrt(variance + eps)) * weight[c] + bias[c]);
    const norm = l2Normalize ? Math.sqrt(z.reduce((a, b) => a + b * b, 0)) : 1;
    z.forEach((v, c) => (y[r * cols + c] = v / norm));
  }
  return y;
}
