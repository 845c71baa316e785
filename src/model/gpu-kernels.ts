/**
 * The compiled kernels GpuModel dispatches, and the matmul epilogues it uses them with: each kernel
 * compiled once at load (in parallel), the matmuls for every (weight dtype, epilogue) the model has,
 * with the workgroup shape timed on this adapter (kernels/matmul-tuning.ts) unless one is given.
 */
import type { GpuContext } from '../gpu/device';
import type { CompiledKernel, PipelineCache } from '../gpu/pipelines';
import { attentionSpec } from '../kernels/attention';
import { embeddingSpec } from '../kernels/embedding';
import { matmulKey, matmulSpec, type MatmulEpilogue } from '../kernels/matmul';
import { tuneMatmulWorkgroup, type Workgroup } from '../kernels/matmul-tuning';
import { layerNormSpec, rmsNormSpec } from '../kernels/norms';
import { pmaAttentionSpec } from '../kernels/pma-attention';
import type { WeightMatrix } from '../kernels/weights';
import type { ModelConfig } from './config';
import type { GpuWeights, PmaQueryInputs } from './gpu-weights';

export const SWIGLU: MatmulEpilogue = { bias: false, relu: false, accumulate: false, swiglu: true };
export const BIAS: MatmulEpilogue = { bias: true, relu: false, accumulate: false };
export const RESIDUAL: MatmulEpilogue = { bias: false, relu: false, accumulate: true };
export const BIAS_RELU_RESIDUAL: MatmulEpilogue = { bias: true, relu: true, accumulate: true };
/** Bias, then RoPE on the q and k heads, whose rows are uploaded in rotaryPairOrder. */
export const qkvEpilogue = (config: ModelConfig): MatmulEpilogue => ({
  ...BIAS,
  rotary: { headDim: config.headDim, columns: (config.numHeads + config.numKvHeads) * config.headDim },
});
/** Input rows when timing the matmul workgroup shapes at load. */
const TUNING_ROWS = 64;

export class Kernels {
  private constructor(
    /** The matmul's workgroup shape for this adapter (tuneMatmulWorkgroup). */
    readonly matmulWorkgroup: Workgroup,
    /** Matmul pipelines by their key (dtype and epilogue). */
    private readonly matmuls: ReadonlyMap<string, CompiledKernel>,
    readonly embedding: CompiledKernel,
    readonly rmsNorm: CompiledKernel,
    readonly layerNorm: CompiledKernel,
    readonly layerNormL2: CompiledKernel,
    readonly attention: CompiledKernel,
    readonly pmaAttention: CompiledKernel,
  ) {}

  /** Every kernel the model with these weights needs, compiled in parallel after the matmul shape is chosen. */
  static async compile(gpu: GpuContext, cache: PipelineCache, config: ModelConfig, weights: GpuWeights, pmaQuery: PmaQueryInputs, workgroup?: Workgroup): Promise<Kernels> {
    const uses: Array<[WeightMatrix, MatmulEpilogue]> = [[pmaQuery.fcQ, BIAS], [weights.pma.kv, BIAS], [weights.pma.o, BIAS_RELU_RESIDUAL]];
    for (const l of weights.layers) uses.push([l.qkv, qkvEpilogue(config)], [l.o, RESIDUAL], [l.gateUp, SWIGLU], [l.down, RESIDUAL]);
    const matmulWorkgroup = workgroup ?? (await tuneMatmulWorkgroup(gpu, cache, weights.layers[0]?.o ?? weights.pma.kv, TUNING_ROWS)).workgroup;
    const [kernels, matmulKernels] = await Promise.all([
      Promise.all([
        cache.get(embeddingSpec(weights.embedTable.dtype)),
        cache.get(rmsNormSpec()),
        cache.get(layerNormSpec(false)),
        cache.get(layerNormSpec(true)),
        cache.get(attentionSpec(config.headDim)),
        cache.get(pmaAttentionSpec()),
      ]),
      Promise.all(uses.map(([w, epilogue]) => cache.get(matmulSpec(w.dtype, epilogue, matmulWorkgroup)))),
    ]);
    return new Kernels(matmulWorkgroup, new Map(matmulKernels.map((k) => [k.key, k])), ...kernels);
  }

  /** The compiled matmul for this weight's dtype and epilogue (compiled in `compile`). */
  matmul(weight: WeightMatrix, epilogue: MatmulEpilogue): CompiledKernel {
    const kernel = this.matmuls.get(matmulKey(weight.dtype, epilogue, this.matmulWorkgroup));
    if (!kernel) throw new Error(`no matmul was compiled for ${weight.dtype} ${JSON.stringify(epilogue)}`);
    return kernel;
  }
}
