/**
 * Whether Node's WebGPU (Dawn) is asked at all on Linux: only where the Vulkan loader can find a driver,
 * named by the environment or as a manifest where the loader looks. Without one, Dawn finds no adapter
 * and prints the loader's warnings on every command.
 */
import { describe, expect, test } from 'vitest';
import { hasVulkanDriver } from '../src/node/dawn';

describe('hasVulkanDriver', () => {
  const holding = (...folders: string[]) => (folder: string) => folders.includes(folder);

  test('a manifest in any folder the loader searches is a driver; none anywhere is none', () => {
    const env = { HOME: '/home/me' };
    expect(hasVulkanDriver(env, holding())).toBe(false);
    for (const folder of ['/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/etc/xdg/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d', '/home/me/.local/share/vulkan/icd.d', '/home/me/.config/vulkan/icd.d']) {
      expect(hasVulkanDriver(env, holding(folder)), folder).toBe(true);
    }
  });

  test('the XDG folders are read from the environment in place of their defaults', () => {
    const env = { HOME: '/home/me', XDG_DATA_DIRS: '/nix/store/x/share:/opt/share', XDG_CONFIG_HOME: '/cfg' };
    expect(hasVulkanDriver(env, holding('/opt/share/vulkan/icd.d'))).toBe(true);
    expect(hasVulkanDriver(env, holding('/cfg/vulkan/icd.d'))).toBe(true);
    expect(hasVulkanDriver(env, holding('/usr/share/vulkan/icd.d'))).toBe(false);
  });

  test('a driver the environment names is left to the loader to judge', () => {
    for (const name of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES']) expect(hasVulkanDriver({ [name]: '/nonexistent/icd.json' }, holding()), name).toBe(true);
  });
});
