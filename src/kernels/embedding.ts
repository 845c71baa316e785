/** Embedding lookup: the table stays in its stored dtype, split by rows; one dispatch per part. */
import type { DType } from '../tensor/dtype';
import type { CompiledKernel, KernelSpec } from '../gpu/pipelines';
import type { Binding, PassRecorder } from '../gpu/recorder';
import { SHADERS, withWeightReader } from '../gpu/shaders';
import { ELEMENTWISE_WORKGROUP, elementwiseGrid } from './elementwise';
import { partBytes, type WeightMatrix } from './weights';

export function embeddingSpec(dtype: DType, workgroupSize = ELEMENTWISE_WORKGROUP): KernelSpec {
  return {
    key: `embedding_${dtype.toLowerCase()}_wg${workgroupSize}`,
    source: withWeightReader(dtype, SHADERS.embedding),
    constants: { WORKGROUP_SIZE: workgroupSize },
  };
}

export function recordEmbedding(rec: PassRecorder, kernel: CompiledKernel, maxPerDimension: number, args: { table: WeightMatrix; tokenIds: Binding; out: Binding; tokens: number }): void {
  const size = kernel.constants.WORKGROUP_SIZE as number;
  for (const part of args.table.parts) {
    const params = { tokens: args.tokens, hidden: args.table.cols, row_start: part.rowStart, rows: part.rows };
    const bytes = { weights: partBytes(args.table, part), token_ids: 4 * args.tokens, hidden_out: 4 * args.tokens * args.table.cols, weight_scales: 4 * part.rows };
    rec.dispatch(kernel, params, { weights: part.buffer, token_ids: args.tokenIds, hidden_out: args.out, weight_scales: part.scales }, elementwiseGrid(args.tokens * args.table.cols, size, maxPerDimension), bytes);
  }
}

export function embeddingReference(table: Float32Array, hidden: number, tokenIds: ArrayLike<number>): Float32Array {
  const out = new Float32Array(tokenIds.length * hidden);
  for (let n = 0; n < tokenIds.length; n++) out.set(table.subarray(tokenIds[n] * hidden, (tokenIds[n] + 1) * hidden), n * hidden);
  return out;
}
