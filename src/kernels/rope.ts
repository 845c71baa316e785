/** Rotary position embedding (rotate-half), in place on the q and k heads of the fused qkv rows. */
import type { CompiledKernel, KernelSpec } from '../gpu/pipelines';
import type { Binding, PassRecorder } from '../gpu/recorder';
import { SHADERS } from '../gpu/shaders';
import { ELEMENTWISE_WORKGROUP, elementwiseGrid } from './elementwise';

export function ropeSpec(workgroupSize = ELEMENTWISE_WORKGROUP): KernelSpec {
  return { key: `rope_wg${workgroupSize}`, source: SHADERS.rope, constants: { WORKGROUP_SIZE: workgroupSize } };
}

/** (cos, sin) of position * theta^(-2i/headDim) for every position < maxPosition and i < headDim/2, in float64. */
export function ropeTable(maxPosition: number, headDim: number, theta: number): Float32Array {
  const half = headDim / 2;
  const table = new Float32Array(maxPosition * half * 2);
  for (let p = 0; p < maxPosition; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * theta ** (-(2 * i) / headDim);
      table[(p * half + i) * 2] = Math.cos(angle);
      table[(p * half + i) * 2 + 1] = Math.sin(angle);
    }
  }
  return table;
}

export interface RopeArgs {
  readonly qkv: Binding;
  readonly positions: Binding;
  readonly table: Binding;
  readonly tokens: number;
  /** Number of heads rotated: all q heads then all k heads, from column 0. */
  readonly rotatedHeads: number;
  readonly headDim: number;
  readonly rowStride: number;
}

export function recordRope(rec: PassRecorder, kernel: CompiledKernel, maxPerDimension: number, args: RopeArgs): void {
  const params = { tokens: args.tokens, rotated_heads: args.rotatedHeads, head_dim: args.headDim, row_stride: args.rowStride };
  const count = (args.tokens * args.rotatedHeads * args.headDim) / 2;
  rec.dispatch(kernel, params, [args.positions, args.table, args.qkv], elementwiseGrid(count, kernel.constants.WORKGROUP_SIZE as number, maxPerDimension));
}

export function ropeReference(qkv: Float32Array, positions: ArrayLike<number>, table: Float32Array, args: Omit<RopeArgs, 'qkv' | 'positions' | 'table'>): void {
  const half = args.headDim / 2;
  for (let n = 0; n < args.tokens; n++) {
    for (let h = 0; h < args.rotatedHeads; h++) {
      for (let i = 0; i < half; i++) {
        const cos = table[(positions[n] * half + i) * 2];
        const sin = table[(positions[n] * half + i) * 2 + 1];
        const a = n * args.rowStride + h * args.headDim + i;
        const [x1, x2] = [qkv[a], qkv[a + half]];
        qkv[a] = x1 * cos - x2 * sin;
        qkv[a + half] = x2 * cos + x1 * sin;
      }
    }
  }
}
