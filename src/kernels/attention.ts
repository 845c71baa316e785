/** Causal grouped-query attention over packed sequences, online softmax, one pass over the keys. */
import type { CompiledKernel, KernelSpec } from '../gpu/pipelines';
import type { Binding, PassRecorder } from '../gpu/recorder';
import { SHADERS } from '../gpu/shaders';
import { ELEMENTWISE_WORKGROUP, elementwiseGrid } from './elementwise';

export function attentionSpec(workgroupSize = ELEMENTWISE_WORKGROUP): KernelSpec {
  return { key: `attention_causal_gqa_wg${workgroupSize}`, source: SHADERS.attention, constants: { WORKGROUP_SIZE: workgroupSize } };
}

export interface AttentionShape {
  readonly tokens: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

export function recordAttention(rec: PassRecorder, kernel: CompiledKernel, maxPerDimension: number, args: AttentionShape & { qkv: Binding; seqStart: Binding; out: Binding }): void {
  const rowStride = (args.heads + 2 * args.kvHeads) * args.headDim;
  const params = { tokens: args.tokens, heads: args.heads, kv_heads: args.kvHeads, head_dim: args.headDim, row_stride: rowStride, scale: 1 / Math.sqrt(args.headDim) };
  rec.dispatch(kernel, params, [args.qkv, args.seqStart, args.out], elementwiseGrid(args.tokens * args.heads, kernel.constants.WORKGROUP_SIZE as number, maxPerDimension));
}

/** qkv: [tokens, (heads + 2 kvHeads) headDim]; seqStart[n]: first token of n's sequence. Returns [tokens, heads headDim]. */
export function attentionReference(qkv: Float32Array, seqStart: ArrayLike<number>, shape: AttentionShape): Float32Array {
  const { tokens, heads, kvHeads, headDim } = shape;
  const stride = (heads + 2 * kvHeads) * headDim;
  const out = new Float32Array(tokens * heads * headDim);
  const scale = 1 / Math.sqrt(headDim);
  for (let n = 0; n < tokens; n++) {
    for (let h = 0; h < heads; h++) {
      const kvHead = Math.floor(h / (heads / kvHeads));
      const q = n * stride + h * headDim;
      const kCol = (heads + kvHead) * headDim;
      const vCol = (heads + kvHeads + kvHead) * headDim;
      const scores: number[] = [];
      for (let j = seqStart[n]; j <= n; j++) {
        let s = 0;
        for (let d = 0; d < headDim; d++) s += qkv[q + d] * qkv[j * stride + kCol + d];
        scores.push(s * scale);
      }
      const max = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - max));
      const total = weights.reduce((a, b) => a + b, 0);
      for (let d = 0; d < headDim; d++) {
        let sum = 0;
        weights.forEach((w, i) => (sum += w * qkv[(seqStart[n] + i) * stride + vCol + d]));
        out[n * heads * headDim + h * headDim + d] = sum / total;
      }
    }
  }
  return out;
}
