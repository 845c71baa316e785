/**
 * The C2LLM weights on the GPU, as GpuModel's forward pass reads them: uploaded once in their stored
 * dtype (or int8), group by group (a layer, the PMA head) as the shards are read, each group dropped
 * once it is on the GPU. The q|k|v rows (and bias) go up in rotaryPairOrder for the RoPE epilogue;
 * gate and up rows interleaved for the SwiGLU epilogue.
 */
import { uploadF32, uploadMatrix, uploadVector, destroyMatrix, type WeightMatrix } from '../kernels/weights';
import type { RawTensor } from '../tensor/safetensors';
import { readGroup, type OpenCheckpoint } from './checkpoint';
import { rotaryPairOrder, ropeTable } from './rope';

export interface GpuLayer {
  readonly inputNorm: GPUBuffer;
  readonly qkv: WeightMatrix;
  readonly qkvBias: GPUBuffer;
  readonly o: WeightMatrix;
  readonly postNorm: GPUBuffer;
  readonly gateUp: WeightMatrix;
  readonly down: WeightMatrix;
}

export interface GpuPma {
  readonly seed: GPUBuffer;
  /** fc_q(seed) + b, filled once at load (it does not depend on the input). */
  readonly query: GPUBuffer;
  readonly kv: WeightMatrix;
  readonly kvBias: GPUBuffer;
  readonly o: WeightMatrix;
  readonly oBias: GPUBuffer;
  readonly ln0Weight: GPUBuffer;
  readonly ln0Bias: GPUBuffer;
  readonly ln1Weight: GPUBuffer;
  readonly ln1Bias: GPUBuffer;
}

export interface GpuWeights {
  readonly embedTable: WeightMatrix;
  readonly layers: readonly GpuLayer[];
  readonly finalNorm: GPUBuffer;
  readonly pma: GpuPma;
  readonly rope: GPUBuffer;
  /** Bound in the bias slot of matmuls compiled without a bias; never read. */
  readonly noBias: GPUBuffer;
}

/** What computing the PMA query needs once, after which both are dropped. */
export interface PmaQueryInputs {
  readonly fcQ: WeightMatrix;
  readonly qBias: RawTensor;
}

/** A function, not a constant: GPUBufferUsage exists only once WebGPU is loaded (Dawn in Node). */
export const activationUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Uploads every weight; `onGroup(n)` after each of the numLayers + 2 groups (embedding table, each layer, final norm and head). */
export async function uploadWeights(device: GPUDevice, checkpoint: OpenCheckpoint, options: { maxBinding: number; int8: boolean; maxLength: number; onGroup?: (done: number) => void }): Promise<{ weights: GpuWeights; pmaQuery: PmaQueryInputs }> {
  const { config, weights } = checkpoint;
  const { maxBinding, int8 } = options;
  const matrix = (label: string, tensors: Parameters<typeof uploadMatrix>[2]) => uploadMatrix(device, label, tensors, maxBinding, { int8 });
  const embedTable = matrix('embed_tokens', [await weights.embedTokens()]);
  options.onGroup?.(1);
  const rowOrder = rotaryPairOrder(config.numHeads + config.numKvHeads, config.headDim);
  const layers: GpuLayer[] = [];
  for (const [i, refs] of weights.layers.entries()) {
    const l = await readGroup(refs);
    layers.push({
      inputNorm: uploadVector(device, `layer${i}.input_norm`, [l.inputNorm]),
      qkv: uploadMatrix(device, `layer${i}.qkv`, [l.qWeight, l.kWeight, l.vWeight], maxBinding, { int8, rowOrder }),
      qkvBias: uploadVector(device, `layer${i}.qkv_bias`, [l.qBias, l.kBias, l.vBias], rowOrder),
      o: matrix(`layer${i}.o`, [l.oWeight]),
      postNorm: uploadVector(device, `layer${i}.post_norm`, [l.postNorm]),
      gateUp: uploadMatrix(device, `layer${i}.gate_up`, [l.gate, l.up], maxBinding, { layout: 'interleaved', int8 }),
      down: matrix(`layer${i}.down`, [l.down]),
    });
    options.onGroup?.(i + 2);
  }
  const finalNorm = uploadVector(device, 'final_norm', [await weights.finalNorm()]);
  const p = await readGroup(weights.pma);
  const pma: GpuPma = {
    seed: uploadVector(device, 'pma.seed', [p.seed]),
    query: device.createBuffer({ label: 'pma.query', size: config.compressedDim * 4, usage: activationUsage() }),
    kv: matrix('pma.fc_kv', [p.kWeight, p.vWeight]),
    kvBias: uploadVector(device, 'pma.fc_kv_bias', [p.kBias, p.vBias]),
    o: matrix('pma.fc_o', [p.oWeight]),
    oBias: uploadVector(device, 'pma.fc_o_bias', [p.oBias]),
    ln0Weight: uploadVector(device, 'pma.ln0_weight', [p.ln0Weight]),
    ln0Bias: uploadVector(device, 'pma.ln0_bias', [p.ln0Bias]),
    ln1Weight: uploadVector(device, 'pma.ln1_weight', [p.ln1Weight]),
    ln1Bias: uploadVector(device, 'pma.ln1_bias', [p.ln1Bias]),
  };
  const rope = uploadF32(device, 'rope_table', ropeTable(options.maxLength, config.headDim, config.ropeTheta), GPUBufferUsage.STORAGE);
  const noBias = uploadF32(device, 'no_bias', new Float32Array(4), GPUBufferUsage.STORAGE);
  options.onGroup?.(config.numLayers + 2);
  return { weights: { embedTable, layers, finalNorm, pma, rope, noBias }, pmaQuery: { fcQ: matrix('pma.fc_q', [p.qWeight]), qBias: p.qBias } };
}

/** Every matrix (embedding table and linear layers). */
function weightMatrices(w: GpuWeights): WeightMatrix[] {
  return [w.embedTable, w.pma.kv, w.pma.o, ...w.layers.flatMap((l) => [l.qkv, l.o, l.gateUp, l.down])];
}

/** Every buffer that is not a matrix part: norms, biases, the PMA seed and query, the RoPE table. */
function weightVectors(w: GpuWeights): GPUBuffer[] {
  const p = w.pma;
  return [w.finalNorm, w.rope, p.seed, p.query, p.kvBias, p.oBias, p.ln0Weight, p.ln0Bias, p.ln1Weight, p.ln1Bias, ...w.layers.flatMap((l) => [l.inputNorm, l.qkvBias, l.postNorm])];
}

export function destroyWeights(w: GpuWeights): void {
  for (const buffer of [...weightVectors(w), w.noBias]) buffer.destroy();
  for (const m of weightMatrices(w)) destroyMatrix(m);
}

export interface WeightLayout {
  readonly bytes: number;
  readonly buffers: number;
  readonly largestBinding: number;
  readonly matrixBytes: number;
  readonly matrixWeights: number;
  readonly matrixRows: number;
}

/**
 * Weight memory on the GPU: total bytes, number of buffers, the largest single binding, and of the
 * matrices (embedding table and linear layers): their bytes (with int8 scales) and weight count.
 */
export function weightLayout(weights: GpuWeights): WeightLayout {
  const matrices = weightMatrices(weights);
  const matrixSizes = matrices.flatMap((m) => m.parts.flatMap((p) => [p.buffer.size, ...(p.scales ? [p.scales.size] : [])]));
  const sizes = [...matrixSizes, ...weightVectors(weights).map((v) => v.size)];
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    bytes: sum(sizes),
    buffers: sizes.length,
    largestBinding: Math.max(...sizes),
    matrixBytes: sum(matrixSizes),
    matrixWeights: sum(matrices.map((m) => m.rows * m.cols)),
    matrixRows: sum(matrices.map((m) => m.rows)),
  };
}
