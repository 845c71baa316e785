/**
 * The int8 checkpoint layout, written by `c2llm quantize`: every weight matrix (the embedding table,
 * the layers' projections, the PMA head's) stored as I8 [rows, cols] with its row scales beside it as
 * F32 "<name>_scale" [rows] (tensor/quantize.ts: the same integers the GPU's int8 path computes at load),
 * every other tensor as stored. Tensors the model does not use are left out. About half the bytes
 * of a bf16 checkpoint; the loader reads it straight into int8 GPU matrices (model/checkpoint.ts).
 */
import type { Checkpoint } from './checkpoint';
import { INT8_SCALE_SUFFIX } from './checkpoint';
import { DTYPE_BYTES } from '../tensor/dtype';
import { quantizeEachRow } from '../tensor/quantize';
import type { RawTensor, TensorEntry } from '../tensor/safetensors';
import { bytesOf, rowValues } from '../tensor/tensor-values';

/** Marks the layout in config.json (Hugging Face's field for how a checkpoint is quantized). */
export const INT8_QUANTIZATION_CONFIG = { quant_method: 'c2llm-int8', weights: `symmetric int8, one F32 scale per row in "<name>${INT8_SCALE_SUFFIX}"` };

export interface TensorToWrite extends TensorEntry {
  readonly byteLength: number;
  /** The tensor's bytes, computed when asked (one matrix at a time is quantized). */
  bytes(): Uint8Array;
}

/** Every tensor the model uses, embedding table first, then layer by layer, then the final norm and the PMA head. */
export function modelTensors(checkpoint: Checkpoint): RawTensor[] {
  const { embedTokens, layers, finalNorm, pma } = checkpoint.weights;
  return [embedTokens, ...layers.flatMap((l) => Object.values(l) as RawTensor[]), finalNorm, ...(Object.values(pma) as RawTensor[])];
}

/** The model's tensors as the int8 layout stores them. */
export function int8Tensors(checkpoint: Checkpoint): TensorToWrite[] {
  return modelTensors(checkpoint).flatMap((t): TensorToWrite[] => {
    const size = (dtype: TensorEntry['dtype'], shape: readonly number[]) => shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (t.shape.length !== 2) return [{ name: t.name, dtype: t.dtype, shape: t.shape, byteLength: t.bytes.byteLength, bytes: () => t.bytes }];
    const [rows, cols] = t.shape;
    // A float matrix is widened to f32 one row at a time, as the GPU's upload does (kernels/weights.ts): no
    // f32 copy of a whole matrix (C2LLM-7B's embedding table would take 2.2 GB).
    const quantize = () => (t.dtype === 'I8' ? { q: t.bytes, scales: t.scales! } : quantizeEachRow(rows, cols, (r) => rowValues(t, r)));
    // The writer asks for a matrix's bytes, then its scales: the scales of that one quantization are kept until then.
    let scalesOfLastQuantization: Float32Array | undefined;
    const matrix = () => {
      const { q, scales } = quantize();
      scalesOfLastQuantization = scales;
      return q instanceof Uint8Array ? q : bytesOf(q);
    };
    const scales = () => {
      const values = scalesOfLastQuantization ?? quantize().scales;
      scalesOfLastQuantization = undefined;
      return bytesOf(values);
    };
    return [
      { name: t.name, dtype: 'I8', shape: [rows, cols], byteLength: size('I8', [rows, cols]), bytes: matrix },
      { name: `${t.name}${INT8_SCALE_SUFFIX}`, dtype: 'F32', shape: [rows], byteLength: size('F32', [rows]), bytes: scales },
    ];
  });
}

/** Splits tensors into shards of at most `maxShardBytes` of data each (a tensor larger than that gets a shard alone). */
export function shardTensors<T extends { byteLength: number }>(tensors: readonly T[], maxShardBytes: number): T[][] {
  const shards: T[][] = [];
  let bytes = Infinity;
  for (const t of tensors) {
    if (bytes + t.byteLength > maxShardBytes) {
      shards.push([]);
      bytes = 0;
    }
    shards.at(-1)!.push(t);
    bytes += t.byteLength;
  }
  return shards;
}
