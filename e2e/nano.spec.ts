/**
 * The shipped C2LLM-nano in headless Chromium: the same embeddings as PyTorch on both devices, and a
 * 20-token query embedded within 30 ms (median of 20) on the CPU backend (onnxruntime-web WASM) and on
 * the TypeScript reference with its linear layers in WASM SIMD, which the search box takes to spare a
 * page onnxruntime-web's 14 MB.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectEmbeddingsMatch } from '../test/helpers/compare';

declare global {
  interface Window {
    timeQuery(modelUrl: string, text: string, runs: number, device: 'webgpu' | 'cpu' | 'reference'): Promise<{ tokens: number; ms: number[]; adapter: string }>;
    embedTexts(modelUrl: string, texts: string[], device: 'webgpu' | 'cpu'): Promise<number[][]>;
  }
}

const MODEL = '/models/c2llm-nano/';
const parity: { cases: { text: string; embedding: number[] }[] } = JSON.parse(readFileSync('models/c2llm-nano/parity.json', 'utf8'));
const QUERY_LATENCY_MS = 30;

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/golden.html');
  await expect(page.locator('#status')).toHaveText('ready');
});

for (const device of ['cpu', 'webgpu'] as const) {
  test(`C2LLM-nano on ${device} in Chromium matches PyTorch`, async ({ page }) => {
    const texts = parity.cases.map((c) => c.text);
    const vectors = await page.evaluate(([url, t, d]) => window.embedTexts(url, t, d), [MODEL, texts, device] as const);
    expectEmbeddingsMatch(vectors, parity.cases.map((c) => c.embedding), `nano chromium ${device}`);
  });
}

for (const [device, backend] of [['cpu', 'onnxruntime-web WASM'], ['reference', 'the TypeScript reference, linear layers in WASM SIMD (the search box)']] as const) {
  test(`a 20-token query is embedded in <= ${QUERY_LATENCY_MS} ms on ${backend} (median of 20)`, async ({ page }) => {
    const query = 'sort log entries by their date, newest first';
    const run = await page.evaluate(([url, q, d]) => window.timeQuery(url, q, 20, d), [MODEL, query, device] as const);
    const sorted = [...run.ms].sort((a, b) => a - b);
    const median = (sorted[9] + sorted[10]) / 2;
    console.log(`C2LLM-nano query latency in Chromium (${run.adapter}): ${run.tokens} tokens, median ${median.toFixed(2)} ms, min ${sorted[0].toFixed(2)}, max ${sorted[19].toFixed(2)}`);
    if (device === 'reference') expect(run.adapter).toMatch(/linear layers in WASM SIMD/);
    expect(run.tokens).toBeGreaterThanOrEqual(18);
    expect(run.tokens).toBeLessThanOrEqual(22);
    expect(median).toBeLessThanOrEqual(QUERY_LATENCY_MS);
  });
}
