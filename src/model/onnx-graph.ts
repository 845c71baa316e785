/**
 * The C2LLM backbone and PMA head as an ONNX graph for one sequence, built from a checkpoint's
 * tensors (widened to f32) so that onnxruntime can run it on the CPU.
 *
 *   inputs:  hidden [T, hidden]   the token embeddings (looked up outside the graph: the table stays
 *                                  in its stored dtype and out of the 2 GB protobuf limit)
 *            cos, sin [T, 1, head_dim]  rotate-half RoPE tables for positions 0..T-1
 *            mask [T, T]           0 on and below the diagonal, -inf above (causal)
 *   output:  embedding [1, compressed_dim], L2-normalised
 *
 * Linear layers are MatMul on the [out, in] PyTorch weights transposed once at build time, or with
 * int8 weights (tensor/quantize.ts) DynamicQuantizeLinear + MatMulInteger.
 */
import type { Checkpoint } from './checkpoint';
import { PMA_LAYER_NORM_EPS } from './config';
import { concat, tensorValues } from '../tensor/tensor-values';
import { quantizeRows } from '../tensor/quantize';
import type { RawTensor } from '../tensor/safetensors';
import { matmulReference } from '../kernels/matmul';
import { GraphBuilder, type ExternalData } from '../onnx/graph-builder';

const f32 = tensorValues;

/** [rows, cols] -> [cols, rows]: PyTorch's [out, in] weights as MatMul's [in, out]. */
function transpose<T extends Float32Array | Int8Array>(values: T, rows: number, cols: number): T {
  const out = new (values.constructor as new (n: number) => T)(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

export type LinearWeights = 'f32' | 'int8';

/** The graph's form: raise it whenever buildC2llmGraph makes a different graph, so that stored graphs are rebuilt. */
export const GRAPH_VERSION = 1;

/**
 * `linearWeights`: 'f32' (exact: the stored values widened), or 'int8' (every linear layer of the
 * backbone and head with symmetric per-channel int8 weights and dynamically quantized uint8
 * activations, MatMulInteger; approximate, a quarter of f32's weight memory). With `external`, the
 * weights go to its data file as each is made and the returned graph only refers to them.
 */
export function buildC2llmGraph(checkpoint: Checkpoint, linearWeights: LinearWeights = 'f32', external?: ExternalData): Uint8Array {
  const { config, weights } = checkpoint;
  const { hiddenSize: h, numHeads: nh, numKvHeads: nkv, headDim: hd, intermediateSize: inter, compressedDim: d, pmaHeads, rmsNormEps } = config;
  const g = new GraphBuilder(external);
  const group = nh / nkv;
  const qDim = nh * hd;
  const kvDim = nkv * hd;

  let hidden = g.input('hidden', 'float32', ['T', h]);
  const cos = g.input('cos', 'float32', ['T', 1, hd]);
  const sin = g.input('sin', 'float32', ['T', 1, hd]);
  const mask = g.input('mask', 'float32', ['T', 'T']);

  const eps = g.floats('rms_eps', [], Float32Array.of(rmsNormEps));
  const lastAxis = { axes: [-1], keepdims: 1 };
  const rmsNorm = (x: string, weight: RawTensor, name: string) => {
    const variance = g.node('ReduceMean', [g.node('Mul', [x, x])], lastAxis);
    const scale = g.node('Sqrt', [g.node('Add', [variance, eps])]);
    return g.node('Mul', [g.node('Div', [x, scale]), g.floats(name, [weight.shape[0]], f32(weight))]);
  };
  const linear = (x: string, name: string, weight: Float32Array, rows: number, cols: number, bias?: Float32Array) => {
    let product: string;
    if (linearWeights === 'int8') {
      const { q, scales } = quantizeRows(weight, rows, cols);
      const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], {}, 3);
      const integer = g.node('MatMulInteger', [xq, g.int8s(`${name}.weight_q`, [cols, rows], transpose(q, rows, cols)), xZero]);
      product = g.node('Mul', [g.node('Mul', [g.node('Cast', [integer], { to: 1 }), xScale]), g.floats(`${name}.weight_scale`, [rows], scales)]);
    } else {
      product = g.node('MatMul', [x, g.floats(`${name}.weight_t`, [cols, rows], transpose(weight, rows, cols))]);
    }
    return bias ? g.node('Add', [product, g.floats(`${name}.bias`, [rows], bias)]) : product;
  };
  const shape = (name: string, dims: number[]) => g.ints(name, dims);
  const half = g.ints('rope_halves', [hd / 2, hd / 2]);
  const rope = (x: string, heads: number, name: string) => {
    const shaped = g.node('Reshape', [x, shape(`${name}.heads_shape`, [-1, heads, hd])]);
    const [x1, x2] = g.op('Split', [shaped, half], { axis: 2 }, 2);
    const rotated = g.node('Concat', [g.node('Neg', [x2]), x1], { axis: 2 });
    return g.node('Add', [g.node('Mul', [shaped, cos]), g.node('Mul', [rotated, sin])]);
  };
  const scale = g.floats('attn_scale', [], Float32Array.of(1 / Math.sqrt(hd)));
  const qkvSplit = g.ints('qkv_split', [qDim, kvDim, kvDim]);
  const gateUpSplit = g.ints('gate_up_split', [inter, inter]);

  weights.layers.forEach((layer, i) => {
    const p = `layers.${i}`;
    const x = rmsNorm(hidden, layer.inputNorm, `${p}.input_norm`);
    const qkvWeight = concat([f32(layer.qWeight), f32(layer.kWeight), f32(layer.vWeight)]);
    const qkvBias = concat([f32(layer.qBias), f32(layer.kBias), f32(layer.vBias)]);
    const [q, k, v] = g.op('Split', [linear(x, `${p}.qkv`, qkvWeight, qDim + 2 * kvDim, h, qkvBias), qkvSplit], { axis: 1 }, 3);
    // q: [T, nh, hd] -> [nkv, group, T, hd]; k: [T, nkv, hd] -> [nkv, 1, hd, T]; v -> [nkv, 1, T, hd]
    const qHeads = g.node('Transpose', [g.node('Reshape', [rope(q, nh, `${p}.q`), shape(`${p}.q_groups`, [-1, nkv, group, hd])])], { perm: [1, 2, 0, 3] });
    const kHeads = g.node('Transpose', [g.node('Reshape', [rope(k, nkv, `${p}.k`), shape(`${p}.k_groups`, [-1, nkv, 1, hd])])], { perm: [1, 2, 3, 0] });
    const vHeads = g.node('Transpose', [g.node('Reshape', [v, shape(`${p}.v_groups`, [-1, nkv, 1, hd])])], { perm: [1, 2, 0, 3] });
    const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [qHeads, kHeads]), scale]), mask]);
    const attended = g.node('MatMul', [g.node('Softmax', [scores], { axis: -1 }), vHeads]);
    const merged = g.node('Reshape', [g.node('Transpose', [attended], { perm: [2, 0, 1, 3] }), shape(`${p}.merged`, [-1, qDim])]);
    hidden = g.node('Add', [hidden, linear(merged, `${p}.o`, f32(layer.oWeight), h, qDim)]);
    const y = rmsNorm(hidden, layer.postNorm, `${p}.post_norm`);
    const [gate, up] = g.op('Split', [linear(y, `${p}.gate_up`, concat([f32(layer.gate), f32(layer.up)]), 2 * inter, h), gateUpSplit], { axis: 1 }, 2);
    const activated = g.node('Mul', [g.node('Mul', [gate, g.node('Sigmoid', [gate])]), up]);
    hidden = g.node('Add', [hidden, linear(activated, `${p}.down`, f32(layer.down), h, inter)]);
  });
  const final = rmsNorm(hidden, weights.finalNorm, 'final_norm');

  const pma = weights.pma;
  const dh = d / pmaHeads;
  const seed = f32(pma.seed);
  const query = matmulReference(seed, f32(pma.qWeight), 1, d, d, { bias: true, relu: false, accumulate: false, biasValues: f32(pma.qBias) });
  const kvWeight = concat([f32(pma.kWeight), f32(pma.vWeight)]);
  const kvBias = concat([f32(pma.kBias), f32(pma.vBias)]);
  const [pk, pv] = g.op('Split', [linear(final, 'pma.kv', kvWeight, 2 * d, h, kvBias), g.ints('pma_split', [d, d])], { axis: 1 }, 2);
  const kT = g.node('Transpose', [g.node('Reshape', [pk, shape('pma.k_heads', [-1, pmaHeads, dh])])], { perm: [1, 2, 0] });
  const vH = g.node('Transpose', [g.node('Reshape', [pv, shape('pma.v_heads', [-1, pmaHeads, dh])])], { perm: [1, 0, 2] });
  const pmaScores = g.node('Mul', [g.node('MatMul', [g.floats('pma.query', [pmaHeads, 1, dh], query), kT]), g.floats('pma.scale', [], Float32Array.of(1 / Math.sqrt(d)))]);
  const pooled = g.node('Reshape', [g.node('MatMul', [g.node('Softmax', [pmaScores], { axis: -1 }), vH]), shape('pma.pooled', [1, d])]);
  const layerNorm = (x: string, w: RawTensor, b: RawTensor, name: string) =>
    g.node('LayerNormalization', [x, g.floats(`${name}.weight`, [d], f32(w)), g.floats(`${name}.bias`, [d], f32(b))], { axis: -1, epsilon: { float: PMA_LAYER_NORM_EPS } });
  const o = layerNorm(g.node('Add', [pooled, g.floats('pma.seed', [1, d], seed)]), pma.ln0Weight, pma.ln0Bias, 'pma.ln0');
  const feedForward = g.node('Add', [o, g.node('Relu', [linear(o, 'pma.fc_o', f32(pma.oWeight), d, d, f32(pma.oBias))])]);
  const normalized = g.node('LpNormalization', [layerNorm(feedForward, pma.ln1Weight, pma.ln1Bias, 'pma.ln1')], { axis: -1, p: 2 });
  g.output('embedding', 'float32', [1, d], normalized);
  return g.serialize('c2llm');
}
