/** The engine in headless Chromium on its WebGPU adapter (SwiftShader here) against the float64 goldens. */
import { expect, test } from '@playwright/test';
import { expectEmbeddingsMatch } from '../test/helpers/compare';
import { CHECKPOINTS, golden } from '../test/helpers/fixtures';

declare global {
  interface Window {
    runGolden(checkpoint: string, oneByOne: boolean, device?: 'webgpu' | 'cpu'): Promise<{ adapter: string; batched: number[][]; single: number[][] | null; dispatches: number; submits: number }>;
  }
}

test.beforeEach(async ({ page }) => {
  page.on('console', (message) => message.type() === 'error' && console.log(`[page] ${message.text()}`));
  await page.goto('/e2e/golden.html');
  await expect(page.locator('#status')).toHaveText('ready');
});

for (const name of CHECKPOINTS) {
  test(`${name}: the CPU backend (onnxruntime-web WASM) in Chromium matches the goldens`, async ({ page }) => {
    const run = await page.evaluate(([checkpoint]) => window.runGolden(checkpoint, false, 'cpu'), [name] as const);
    expect(run.adapter).toBe('CPU (onnxruntime-web WASM)');
    expectEmbeddingsMatch(run.batched, golden(name).embeddings, `${name} chromium onnxruntime-web`);
  });

  const oneByOne = name === 'tiny-f32-gqa1' || name === 'small-bf16-gqa2';
  test(`${name}: WebGPU in Chromium matches the goldens${oneByOne ? ', batched and one by one' : ''}`, async ({ page }) => {
    const run = await page.evaluate(([checkpoint, single]) => window.runGolden(checkpoint, single), [name, oneByOne] as const);
    expect(run.adapter).toMatch(/^WebGPU: /);
    expect(run.submits).toBe(1);
    const expected = golden(name).embeddings;
    expectEmbeddingsMatch(run.batched, expected, `${name} chromium batched`);
    if (oneByOne) {
      expectEmbeddingsMatch(run.single!, expected, `${name} chromium one by one`);
      expectEmbeddingsMatch(run.single!, run.batched, `${name} chromium batched vs single`);
    }
  });
}
