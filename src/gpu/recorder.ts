/**
 * Records one forward pass: every dispatch and copy goes into a list, then `submit` packs all the
 * uniform parameters into one buffer (one aligned slot per dispatch), encodes everything into one
 * command encoder and submits it once. The dispatch and submit counts are kept for the stats.
 *
 * Every dispatch states how many bytes each bound buffer must hold (the kernel's guard, like ratchet's
 * op guards): WebGPU clamps an out-of-bounds read instead of failing, so a buffer that is too small
 * would give a wrong answer with no error; here it is an error naming the kernel and the binding.
 *
 * Debug mode (`submitCapturing`): the caller names the steps of the pass (`step`), and after each
 * step's last dispatch its output binding (the kernel's one read_write buffer) is copied out, so that
 * every intermediate result can be compared with the reference's.
 */
import { packParams, paramsByteSize } from './params';
import type { CompiledKernel } from './pipelines';

export type Binding = GPUBuffer | GPUBufferBinding;

interface DispatchOp {
  readonly kind: 'dispatch';
  readonly kernel: CompiledKernel;
  readonly params: Record<string, number>;
  /** (binding index, buffer) pairs, resolved from names at recording. */
  readonly bindings: readonly (readonly [number, Binding])[];
  readonly workgroups: readonly [number, number, number];
  /** The buffer bound to the kernel's output binding. */
  readonly output?: Binding;
}

interface StepOp {
  readonly kind: 'step';
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
}

/** One step's output as the GPU computed it: `rows` x `cols` floats from its kernel's output binding. */
export interface CapturedStep {
  readonly name: string;
  readonly kernel: string;
  readonly rows: number;
  readonly cols: number;
  readonly values: Float32Array;
}

interface CopyOp {
  readonly kind: 'copy';
  readonly from: GPUBuffer;
  readonly to: GPUBuffer;
  readonly bytes: number;
}

export interface Readback {
  readonly from: GPUBuffer;
  readonly to: GPUBuffer;
  readonly bytes: number;
}

export interface PassStats {
  dispatches: number;
  submits: number;
}

/** The bytes a binding gives the kernel: the whole buffer, or the range a GPUBufferBinding names. */
function bindingBytes(binding: Binding): number {
  const { buffer, offset = 0, size } = asResource(binding);
  return size ?? buffer.size - offset;
}

/** The kernel's guard: `buffer` bound as `name` holds at least `needed` bytes (stated by every kernel). */
function requireBytes(kernel: CompiledKernel, name: string, buffer: Binding, needed: number | undefined): void {
  if (needed === undefined) throw new Error(`kernel ${kernel.key}: binding "${name}" is bound without the bytes it needs (every dispatch states them)`);
  const has = bindingBytes(buffer);
  if (has < needed) throw new Error(`kernel ${kernel.key}: binding "${name}" holds ${has} bytes, the dispatch needs ${needed}`);
}

export class PassRecorder {
  private readonly ops: Array<DispatchOp | CopyOp | StepOp> = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly uniformAlignment: number,
    private readonly maxWorkgroupsPerDimension: number,
    private readonly label: string,
  ) {}

  /**
   * Buffers are bound by the names the kernel's WGSL gives them (`kernel.bindings`); binding 0 is
   * always the Params uniform. An undefined buffer is left unbound (a binding the variant does not use).
   * `bytes` states, for every bound buffer, the bytes the dispatch reads or writes in it (0: any size).
   */
  dispatch(
    kernel: CompiledKernel,
    params: Record<string, number>,
    buffers: Readonly<Record<string, Binding | undefined>>,
    workgroups: readonly [number, number?, number?],
    bytes: Readonly<Record<string, number>>,
  ): void {
    const bindings: (readonly [number, Binding])[] = [];
    for (const [name, buffer] of Object.entries(buffers)) {
      if (buffer === undefined) continue;
      const index = kernel.bindings[name];
      if (index === undefined) throw new Error(`kernel ${kernel.key}: its WGSL declares no storage binding "${name}" (it has ${Object.keys(kernel.bindings).join(', ')})`);
      requireBytes(kernel, name, buffer, bytes[name]);
      bindings.push([index, buffer]);
    }
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    for (const count of [x, y, z]) {
      if (count > this.maxWorkgroupsPerDimension) {
        throw new Error(`kernel ${kernel.key}: ${count} workgroups in one dimension exceeds ${this.maxWorkgroupsPerDimension}`);
      }
    }
    this.ops.push({ kind: 'dispatch', kernel, params, bindings, workgroups: [x, y, z], output: buffers[kernel.output] });
  }

  /** Debug mode: the dispatches recorded from here to the next step are `name`, whose result is rows x cols floats. */
  step(name: string, rows: number, cols: number): void {
    this.ops.push({ kind: 'step', name, rows, cols });
  }

  copy(from: GPUBuffer, to: GPUBuffer, bytes: number): void {
    this.ops.push({ kind: 'copy', from, to, bytes });
  }

  /**
   * Encodes and submits everything recorded, in one encoder and one submit. Returns the pass's
   * uniform buffer, which the caller destroys once the work is done (destroying a buffer that
   * submitted work still uses crashes some drivers).
   */
  submit(stats: PassStats, readback?: Readback): GPUBuffer {
    const { uniforms, paramsAt } = this.packUniforms();
    const encoder = this.device.createCommandEncoder({ label: this.label });
    this.ops.forEach((op, i) => this.encode(encoder, op, paramsAt(i)));
    if (readback) encoder.copyBufferToBuffer(readback.from, 0, readback.to, 0, readback.bytes);
    this.device.queue.submit([encoder.finish()]);
    this.finish(stats, 1);
    return uniforms;
  }

  /**
   * For profiling only: submits each recorded operation on its own and waits for it, reporting each
   * dispatch's wall time under its kernel's key. Results are the same as `submit`'s.
   */
  async submitTimed(stats: PassStats, readback: Readback | undefined, time: (kernelKey: string, ms: number) => void): Promise<GPUBuffer> {
    const { uniforms, paramsAt } = this.packUniforms();
    let submits = 1;
    for (const [i, op] of this.ops.entries()) {
      if (op.kind === 'step') continue;
      submits++;
      const encoder = this.device.createCommandEncoder({ label: this.label });
      this.encode(encoder, op, paramsAt(i));
      const start = performance.now();
      this.device.queue.submit([encoder.finish()]);
      await this.device.queue.onSubmittedWorkDone();
      if (op.kind === 'dispatch') time(op.kernel.key, performance.now() - start);
    }
    const encoder = this.device.createCommandEncoder({ label: this.label });
    if (readback) encoder.copyBufferToBuffer(readback.from, 0, readback.to, 0, readback.bytes);
    this.device.queue.submit([encoder.finish()]);
    this.finish(stats, submits);
    return uniforms;
  }

  /**
   * Debug mode: submits like `submit`, with each named step's output copied out after the step's last
   * dispatch (the buffer may be overwritten later in the pass); returns the steps in order, with the
   * uniform buffer to destroy.
   */
  async submitCapturing(stats: PassStats, readback: Readback | undefined): Promise<{ uniforms: GPUBuffer; steps: CapturedStep[] }> {
    const { uniforms, paramsAt } = this.packUniforms();
    const lastDispatchOfStep = new Map<number, StepOp>();
    let current: StepOp | undefined;
    let last = -1;
    for (const [i, op] of this.ops.entries()) {
      if (op.kind === 'step') {
        if (current && last >= 0) lastDispatchOfStep.set(last, current);
        [current, last] = [op, -1];
      } else if (op.kind === 'dispatch') {
        last = i;
      }
    }
    if (current && last >= 0) lastDispatchOfStep.set(last, current);
    const staged: Array<{ step: StepOp; kernel: string; buffer: GPUBuffer }> = [];
    const encoder = this.device.createCommandEncoder({ label: `${this.label}_debug` });
    this.ops.forEach((op, i) => {
      this.encode(encoder, op, paramsAt(i));
      const step = lastDispatchOfStep.get(i);
      if (!step || op.kind !== 'dispatch' || !op.output) return;
      const bytes = step.rows * step.cols * 4;
      const buffer = this.device.createBuffer({ label: `debug_${step.name}`, size: Math.max(4, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const from = asResource(op.output);
      if (bytes) encoder.copyBufferToBuffer(from.buffer, from.offset ?? 0, buffer, 0, bytes);
      staged.push({ step, kernel: op.kernel.key, buffer });
    });
    if (readback) encoder.copyBufferToBuffer(readback.from, 0, readback.to, 0, readback.bytes);
    this.device.queue.submit([encoder.finish()]);
    this.finish(stats, 1);
    const steps: CapturedStep[] = [];
    for (const { step, kernel, buffer } of staged) {
      await buffer.mapAsync(GPUMapMode.READ);
      const values = new Float32Array(buffer.getMappedRange().slice(0, step.rows * step.cols * 4));
      buffer.destroy();
      steps.push({ name: step.name, kernel, rows: step.rows, cols: step.cols, values });
    }
    return { uniforms, steps };
  }

  private get dispatches(): DispatchOp[] {
    return this.ops.filter((op): op is DispatchOp => op.kind === 'dispatch');
  }

  /**
   * All dispatches' Params in one uniform buffer, one aligned slot each, in recording order;
   * `paramsAt(i)` is the slot of op i (a dispatch).
   */
  private packUniforms(): { uniforms: GPUBuffer; paramsAt: (opIndex: number) => GPUBufferBinding } {
    const dispatches = this.dispatches;
    const slot = Math.max(this.uniformAlignment, ...dispatches.map((d) => paramsByteSize(d.kernel.params)));
    const uniforms = this.device.createBuffer({
      label: `${this.label}_params`,
      size: Math.max(slot, dispatches.length * slot),
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    const view = new DataView(uniforms.getMappedRange());
    dispatches.forEach((d, i) => packParams(d.kernel.key, d.kernel.params, d.params, view, i * slot));
    uniforms.unmap();
    const ranks: number[] = [];
    let rank = 0;
    for (const op of this.ops) ranks.push(op.kind === 'dispatch' ? rank++ : -1);
    return { uniforms, paramsAt: (i) => ({ buffer: uniforms, offset: ranks[i] * slot, size: slot }) };
  }

  private encode(encoder: GPUCommandEncoder, op: DispatchOp | CopyOp | StepOp, params: GPUBufferBinding): void {
    if (op.kind === 'step') return;
    if (op.kind === 'copy') {
      encoder.copyBufferToBuffer(op.from, 0, op.to, 0, op.bytes);
      return;
    }
    const bindGroup = this.device.createBindGroup({
      label: op.kernel.key,
      layout: op.kernel.pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { ...params, size: paramsByteSize(op.kernel.params) } }, ...op.bindings.map(([binding, b]) => ({ binding, resource: asResource(b) }))],
    });
    const pass = encoder.beginComputePass({ label: op.kernel.key });
    pass.setPipeline(op.kernel.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...op.workgroups);
    pass.end();
  }

  private finish(stats: PassStats, submits: number): void {
    stats.dispatches += this.dispatches.length;
    stats.submits += submits;
    this.ops.length = 0;
  }
}

function asResource(binding: Binding): GPUBufferBinding {
  return 'buffer' in binding ? binding : { buffer: binding };
}

/** Splits `count` workgroups over x and y so that neither passes the per-dimension limit. */
export function grid(count: number, maxPerDimension: number): [number, number] {
  if (count <= maxPerDimension) return [count, 1];
  const y = Math.ceil(count / maxPerDimension);
  return [Math.ceil(count / y), y];
}
