/**
 * WebGPU in Node through Dawn (npm `webgpu`). Dawn needs a Vulkan driver; when VK_ICD_FILENAMES is
 * not set, the SwiftShader driver that Debian's chromium package ships is used if present.
 * Returns undefined when Dawn cannot be loaded, which callers treat as "no adapter".
 */
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export async function createNodeGpu(): Promise<GPU | undefined> {
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  try {
    const dawn = await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    return dawn.create([]);
  } catch {
    return undefined;
  }
}
