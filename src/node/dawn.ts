/**
 * WebGPU in Node through Dawn (npm `webgpu`). Dawn needs a Vulkan driver; when VK_ICD_FILENAMES is
 * not set, the SwiftShader driver that Debian's chromium package ships is used if present. On Linux
 * without any Vulkan driver Dawn is not asked at all: asked, it finds no adapter after printing the
 * Vulkan loader's warnings (with Dawn's source paths) on every run of a command.
 * Returns undefined when Dawn cannot be loaded or there is no driver, which callers treat as "no adapter".
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export async function createNodeGpu(): Promise<GPU | undefined> {
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (process.platform === 'linux' && !hasVulkanDriver(process.env, holdsManifest)) return undefined;
  try {
    const dawn = await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    return dawn.create([]);
  } catch {
    return undefined;
  }
}

/**
 * Whether the Vulkan loader can find a driver on Linux: one named by the environment (VK_DRIVER_FILES,
 * VK_ICD_FILENAMES, VK_ADD_DRIVER_FILES: the loader is left to judge it), or a manifest in a folder where
 * it looks for them (its "Linux driver discovery": the XDG configuration and data folders, /etc and
 * /usr/local/etc, each's vulkan/icd.d). `holds` says whether a folder holds a manifest.
 */
export function hasVulkanDriver(env: NodeJS.ProcessEnv, holds: (folder: string) => boolean): boolean {
  if (env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES || env.VK_ADD_DRIVER_FILES) return true;
  const home = env.HOME || homedir();
  const folders = [
    env.XDG_CONFIG_HOME || `${home}/.config`,
    ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'),
    '/usr/local/etc',
    '/etc',
    env.XDG_DATA_HOME || `${home}/.local/share`,
    ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':'),
  ];
  return folders.filter(Boolean).some((folder) => holds(`${folder}/vulkan/icd.d`));
}

/** Whether `folder` holds a Vulkan driver's manifest (a .json file); false where it cannot be read. */
function holdsManifest(folder: string): boolean {
  try {
    return readdirSync(folder).some((name) => name.endsWith('.json'));
  } catch {
    return false;
  }
}
