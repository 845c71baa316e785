/**
 * Compute pipelines, compiled once per distinct (kernel, helpers, override constants) and cached under
 * a readable key such as `matmul_bf16_wg16x4_bias` that is also the GPU objects' label. A compiled
 * kernel carries the decisions it was built with (its constants), and dispatch code reads them there.
 */
import { parseOutputBinding, parseParamsStruct, parseStorageBindings, type ParamField } from './params';

export interface KernelSpec {
  /** Readable cache key and label. */
  readonly key: string;
  /** The kernel's WGSL, with any helper sources concatenated in front. */
  readonly source: string;
  /** Values for the shader's `override` constants. */
  readonly constants: Readonly<Record<string, number | boolean>>;
}

export interface CompiledKernel {
  readonly key: string;
  readonly pipeline: GPUComputePipeline;
  readonly params: readonly ParamField[];
  /** Storage binding index by the name its WGSL gives it. */
  readonly bindings: Readonly<Record<string, number>>;
  /** The name of the binding it writes. */
  readonly output: string;
  readonly constants: Readonly<Record<string, number | boolean>>;
}

export class PipelineCache {
  private readonly compiled = new Map<string, Promise<CompiledKernel>>();

  /** `patch`: a test hook rewriting a kernel's WGSL by key before it is compiled. */
  constructor(
    private readonly device: GPUDevice,
    private readonly patch?: (key: string, source: string) => string,
  ) {}

  get(spec: KernelSpec): Promise<CompiledKernel> {
    let entry = this.compiled.get(spec.key);
    if (!entry) {
      entry = this.compile(spec);
      this.compiled.set(spec.key, entry);
    }
    return entry;
  }

  private async compile(spec: KernelSpec): Promise<CompiledKernel> {
    const source = this.patch ? this.patch(spec.key, spec.source) : spec.source;
    const module = this.device.createShaderModule({ label: spec.key, code: source });
    const constants: Record<string, number> = {};
    for (const [name, value] of Object.entries(spec.constants)) constants[name] = Number(value);
    const pipeline = await this.device.createComputePipelineAsync({
      label: spec.key,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
    });
    return { key: spec.key, pipeline, params: parseParamsStruct(spec.key, source), bindings: parseStorageBindings(spec.key, source), output: parseOutputBinding(spec.key, source), constants: spec.constants };
  }
}
