/** Causal grouped-query attention over packed sequences, flash-attention style (see shaders/attention.wgsl). */
import type { CompiledKernel, KernelSpec } from '../gpu/pipelines';
import type { Binding, PassRecorder } from '../gpu/recorder';
import { SHADERS } from '../gpu/shaders';

/** WebGPU's guaranteed maxComputeWorkgroupStorageSize. */
const WORKGROUP_STORAGE_BYTES = 16384;

export interface AttentionTiles {
  readonly workgroupSize: number;
  /** Invocations per query row group: the workgroup holds rowGroups rows of VEC4S invocations. */
  readonly rowGroups: number;
  readonly blockQ: number;
  readonly blockK: number;
}

/** Tile sizes for `headDim`: queries per workgroup from the output layout, keys per block so the tiles fit 16 KiB. */
export function attentionTiles(headDim: number, workgroupSize = 64): AttentionTiles {
  const vec4s = headDim / 4;
  const rowGroups = Math.floor(workgroupSize / vec4s);
  const blockQ = 4 * rowGroups;
  const blockK = 4 * Math.floor(Math.min(16, 1024 / headDim, 1024 / blockQ) / 4);
  const bytes = 16 * vec4s * (blockQ + 2 * blockK) + 4 * blockQ * (blockK + 2) + 4;
  if (rowGroups < 1 || blockK < 4 || bytes > WORKGROUP_STORAGE_BYTES) {
    throw new RangeError(`attention: no tiling of head_dim ${headDim} fits a ${workgroupSize}-invocation workgroup in ${WORKGROUP_STORAGE_BYTES} bytes`);
  }
  return { workgroupSize, rowGroups, blockQ, blockK };
}

export function attentionSpec(headDim: number, workgroupSize = 64): KernelSpec {
  const { rowGroups, blockQ, blockK } = attentionTiles(headDim, workgroupSize);
  return {
    key: `attention_causal_gqa_d${headDim}_wg${workgroupSize}`,
    source: SHADERS.attention,
    constants: { WORKGROUP_SIZE: workgroupSize, VEC4S: headDim / 4, ROW_GROUPS: rowGroups, BLOCK_Q: blockQ, BLOCK_K: blockK },
  };
}

export interface AttentionShape {
  readonly tokens: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

export function recordAttention(rec: PassRecorder, kernel: CompiledKernel, args: AttentionShape & { qkv: Binding; seqStart: Binding; out: Binding }): void {
  const rowStride = (args.heads + 2 * args.kvHeads) * args.headDim;
  const params = { tokens: args.tokens, heads: args.heads, kv_heads: args.kvHeads, row_stride: rowStride, scale: 1 / Math.sqrt(args.headDim) };
  const bytes = { qkv: 4 * args.tokens * rowStride, seq_start: 4 * args.tokens, out: 4 * args.tokens * args.heads * args.headDim };
  rec.dispatch(kernel, params, { qkv: args.qkv, seq_start: args.seqStart, out: args.out }, [Math.ceil(args.tokens / (kernel.constants.BLOCK_Q as number)), args.heads], bytes);
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
