/** The PMA head's attention: one learned query per head against each sequence's tokens, plus the raw seed. */
import type { CompiledKernel, KernelSpec } from '../gpu/pipelines';
import type { Binding, PassRecorder } from '../gpu/recorder';
import { SHADERS } from '../gpu/shaders';

export function pmaAttentionSpec(workgroupSize = 64): KernelSpec {
  return { key: `pma_attention_wg${workgroupSize}`, source: SHADERS.pmaAttention, constants: { WORKGROUP_SIZE: workgroupSize } };
}

export interface PmaAttentionShape {
  readonly sequences: number;
  readonly heads: number;
  readonly dim: number;
}

export function recordPmaAttention(
  rec: PassRecorder,
  kernel: CompiledKernel,
  args: PmaAttentionShape & { query: Binding; seed: Binding; kv: Binding; seqStart: Binding; seqLen: Binding; out: Binding },
): void {
  const params = { sequences: args.sequences, heads: args.heads, head_dim: args.dim / args.heads, dim: args.dim, scale: 1 / Math.sqrt(args.dim) };
  const groups = Math.ceil((args.sequences * args.heads) / (kernel.constants.WORKGROUP_SIZE as number));
  // kv's tokens are counted by seq_len on the GPU (an empty text has none): no size to state here.
  const bytes = { query: 4 * args.dim, seed: 4 * args.dim, kv: 0, seq_start: 4 * args.sequences, seq_len: 4 * args.sequences, out: 4 * args.sequences * args.dim };
  rec.dispatch(kernel, params, { query: args.query, seed: args.seed, kv: args.kv, seq_start: args.seqStart, seq_len: args.seqLen, out: args.out }, [groups], bytes);
}

/** kv: [tokens, 2 dim] (k | v); returns [sequences, dim] = seed + attention. */
export function pmaAttentionReference(query: Float32Array, seed: Float32Array, kv: Float32Array, seqStart: ArrayLike<number>, seqLen: ArrayLike<number>, shape: PmaAttentionShape): Float32Array {
  const { sequences, heads, dim } = shape;
  const headDim = dim / heads;
  const out = new Float32Array(sequences * dim);
  for (let b = 0; b < sequences; b++) {
    for (let h = 0; h < heads; h++) {
      const col = h * headDim;
      const scores: number[] = [];
      for (let j = seqStart[b]; j < seqStart[b] + seqLen[b]; j++) {
        let s = 0;
        for (let d = 0; d < headDim; d++) s += query[col + d] * kv[j * 2 * dim + col + d];
        scores.push(s / Math.sqrt(dim));
      }
      const max = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - max));
      const total = weights.reduce((a, b) => a + b, 0);
      for (let d = 0; d < headDim; d++) {
        let sum = 0;
        weights.forEach((w, i) => (sum += w * kv[(seqStart[b] + i) * 2 * dim + dim + col + d]));
        out[b * dim + col + d] = seed[col + d] + (total > 0 ? sum / total : 0);
      }
    }
  }
  return out;
}
