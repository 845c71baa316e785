/**
 * GPU test fixture: a real Dawn device on the machine's Vulkan driver (SwiftShader or lavapipe).
 * Finding no adapter is a failure, never a skip. Buffers made through the fixture are destroyed
 * after each test.
 */
import { acquireGpu, type GpuContext } from '../../src/gpu/device';
import { PipelineCache, type CompiledKernel, type KernelSpec } from '../../src/gpu/pipelines';
import { PassRecorder } from '../../src/gpu/recorder';
import { uploadF32 } from '../../src/kernels/weights';
import { createNodeGpu } from '../../src/node/dawn';

let shared: Promise<GpuContext> | undefined;

export function testGpu(): Promise<GpuContext> {
  shared ??= createNodeGpu().then((gpu) => acquireGpu(gpu));
  return shared;
}

export class GpuFixture {
  private readonly buffers: GPUBuffer[] = [];
  private readonly cache: PipelineCache;

  constructor(readonly gpu: GpuContext) {
    this.cache = new PipelineCache(gpu.device);
  }

  static async create(): Promise<GpuFixture> {
    return new GpuFixture(await testGpu());
  }

  kernel(spec: KernelSpec): Promise<CompiledKernel> {
    return this.cache.get(spec);
  }

  upload(values: Float32Array | Uint32Array): GPUBuffer {
    return this.track(uploadF32(this.gpu.device, 'test_input', values, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST));
  }

  zeros(count: number): GPUBuffer {
    return this.upload(new Float32Array(count));
  }

  track(buffer: GPUBuffer): GPUBuffer {
    this.buffers.push(buffer);
    return buffer;
  }

  recorder(): PassRecorder {
    const { limits } = this.gpu;
    return new PassRecorder(this.gpu.device, limits.minUniformBufferOffsetAlignment, limits.maxComputeWorkgroupsPerDimension, 'test');
  }

  /** Submits what `rec` recorded and reads `count` floats of `buffer` back. */
  async submitAndRead(rec: PassRecorder, buffer: GPUBuffer, count: number): Promise<Float32Array> {
    const readback = this.track(this.gpu.device.createBuffer({ size: Math.max(16, count * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    this.track(rec.submit({ dispatches: 0, submits: 0 }, { from: buffer, to: readback, bytes: count * 4 }));
    await readback.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    this.gpu.assertHealthy();
    return values;
  }

  destroy(): void {
    for (const buffer of this.buffers.splice(0)) buffer.destroy();
  }
}
