/**
 * Adapter and device acquisition. The device is requested with the adapter's real limits (the
 * defaults cap storage bindings at 128 MiB), no optional features, and error reporting wired from
 * the first line: an `uncapturederror` fails the next check once (that call fails, the next one runs),
 * and a lost device is remembered so that every later call fails with GpuDeviceLostError instead of
 * hanging.
 */
import { GpuDeviceLostError, GpuError, NoWebGpuError } from '../errors';

export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxStorageBuffersPerShaderStage: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeWorkgroupSizeY: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly minUniformBufferOffsetAlignment: number;
}

export interface GpuContext {
  /** Held for the context's lifetime: in Node, Dawn's instance dies with its GPU object. */
  readonly gpu: GPU;
  readonly device: GPUDevice;
  readonly limits: GpuLimits;
  /** "vendor architecture (description)" as the adapter reports it. */
  readonly adapterName: string;
  /** True for software adapters (SwiftShader, lavapipe). */
  readonly isFallbackAdapter: boolean;
  /** Bytes of GPU buffers alive now, and the most alive at once since the device was made. */
  readonly memory: { readonly live: number; readonly peak: number };
  /** Throws if the device was lost (every time) or reported an uncaptured error since the last check (once). */
  assertHealthy(): void;
  destroy(): void;
}

const LIMIT_NAMES = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'minUniformBufferOffsetAlignment',
] as const;

/** The engine binds at most this many storage buffers in one kernel. */
const STORAGE_BUFFERS_NEEDED = 7;

function describeAdapter(adapter: GPUAdapter): { name: string; fallback: boolean } {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture].filter(Boolean).join(' ');
  const description = info?.description ? ` (${info.description})` : '';
  const software = /swiftshader|llvmpipe|lavapipe|software/i.test(`${parts} ${info?.description ?? ''} ${info?.device ?? ''}`);
  const fallback = Boolean((adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter) || Boolean((info as { isFallbackAdapter?: boolean })?.isFallbackAdapter) || software;
  return { name: `${parts || 'unknown adapter'}${description}`, fallback };
}

export async function acquireGpu(gpu: GPU | undefined): Promise<GpuContext> {
  if (!gpu) throw new NoWebGpuError('this browser or runtime offers no WebGPU');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoWebGpuError('no WebGPU adapter was found');
  if (adapter.limits.maxStorageBuffersPerShaderStage < STORAGE_BUFFERS_NEEDED) {
    throw new NoWebGpuError(`the adapter allows ${adapter.limits.maxStorageBuffersPerShaderStage} storage buffers per stage; the engine needs ${STORAGE_BUFFERS_NEEDED}`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) {
    if (name !== 'minUniformBufferOffsetAlignment') requiredLimits[name] = adapter.limits[name];
  }
  const { name, fallback } = describeAdapter(adapter);
  const device = await adapter.requestDevice({ label: 'c2llm', requiredLimits });
  let lost: Error | undefined;
  let uncaptured: Error | undefined;
  let disposed = false;
  // Any loss we did not cause ourselves (a driver reset, a tab in the background, another owner's
  // destroy()) is a lost device.
  void device.lost.then((info) => {
    if (!disposed) lost = new GpuDeviceLostError(`the GPU device was lost: ${info.message || info.reason}`);
  });
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    uncaptured ??= new GpuError(`GPU error: ${error.message}`);
  });
  const limits = Object.fromEntries(LIMIT_NAMES.map((n) => [n, device.limits[n]])) as unknown as GpuLimits;
  const memory = trackAllocations(device);
  return {
    memory,
    gpu,
    device,
    limits,
    adapterName: name,
    isFallbackAdapter: fallback,
    assertHealthy() {
      if (lost) throw lost;
      const error = uncaptured;
      uncaptured = undefined;
      if (error) throw error;
    },
    destroy() {
      disposed = true;
      device.destroy();
    },
  };
}

/** Counts the bytes of every buffer the device creates until it is destroyed. */
function trackAllocations(device: GPUDevice): { live: number; peak: number } {
  const memory = { live: 0, peak: 0 };
  const createBuffer = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = createBuffer(descriptor);
    const destroy = buffer.destroy.bind(buffer);
    let alive = true;
    memory.live += buffer.size;
    memory.peak = Math.max(memory.peak, memory.live);
    buffer.destroy = () => {
      if (alive) memory.live -= buffer.size;
      alive = false;
      destroy();
    };
    return buffer;
  };
  return memory;
}

/** Runs `body` inside validation and out-of-memory error scopes and throws the first error as GpuError. */
export async function withErrorScopes<T>(gpu: GpuContext, what: string, body: () => T | Promise<T>): Promise<T> {
  gpu.assertHealthy();
  gpu.device.pushErrorScope('out-of-memory');
  gpu.device.pushErrorScope('validation');
  let result: T;
  try {
    result = await body();
  } finally {
    const validation = await gpu.device.popErrorScope();
    const memory = await gpu.device.popErrorScope();
    const error = memory ?? validation;
    if (error) {
      const kind = memory ? 'out of GPU memory' : 'GPU validation error';
      throw new GpuError(`${what}: ${kind}: ${error.message}`);
    }
  }
  gpu.assertHealthy();
  return result;
}
