/** SwiGLU: silu(gate) * up over the fused gate|up projection. */
import type { CompiledKernel, KernelSpec } from '../gpu/pipelines';
import type { Binding, PassRecorder } from '../gpu/recorder';
import { SHADERS } from '../gpu/shaders';
import { ELEMENTWISE_WORKGROUP, elementwiseGrid } from './elementwise';

export function swigluSpec(workgroupSize = ELEMENTWISE_WORKGROUP): KernelSpec {
  return { key: `swiglu_wg${workgroupSize}`, source: SHADERS.swiglu, constants: { WORKGROUP_SIZE: workgroupSize } };
}

export function recordSwiglu(rec: PassRecorder, kernel: CompiledKernel, maxPerDimension: number, args: { gateUp: Binding; out: Binding; rows: number; width: number }): void {
  rec.dispatch(kernel, { rows: args.rows, width: args.width }, [args.gateUp, args.out], elementwiseGrid(args.rows * args.width, kernel.constants.WORKGROUP_SIZE as number, maxPerDimension));
}

export function swigluReference(gateUp: Float32Array, rows: number, width: number): Float32Array {
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < width; i++) {
      const g = gateUp[r * 2 * width + i];
      out[r * width + i] = (g / (1 + Math.exp(-g))) * gateUp[r * 2 * width + width + i];
    }
  }
  return out;
}
