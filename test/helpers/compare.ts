/** The tolerance rules of the test suite, stated once. */
import { expect } from 'vitest';

/** Kernel outputs: |actual - expected| <= atol + rtol * |expected|, elementwise (f32 accumulation order differs). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = { index: -1, excess: 0 };
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= worst.excess)) worst = { index: i, excess: Number.isNaN(excess) ? Infinity : excess };
  }
  if (worst.index >= 0) {
    const i = worst.index;
    expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (atol ${atol}, rtol ${rtol})`);
  }
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return Number.isNaN(max) ? Infinity : max;
}

/** Whole-model embeddings against float64 goldens: cosine >= 0.99999 and max abs <= 1e-4, per vector. */
export function expectEmbeddingsMatch(actual: readonly ArrayLike<number>[], expected: readonly ArrayLike<number>[], label: string): void {
  expect(actual.length, label).toBe(expected.length);
  actual.forEach((vector, i) => {
    expect(vector.length, `${label} #${i} dim`).toBe(expected[i].length);
    expect(cosine(vector, expected[i]), `${label} #${i} cosine`).toBeGreaterThanOrEqual(0.99999);
    expect(maxAbsDiff(vector, expected[i]), `${label} #${i} max abs`).toBeLessThanOrEqual(1e-4);
  });
}

/** int8 weights (approximate by design): every embedding within this cosine of the exact one. */
export const INT8_MIN_COSINE = 0.999;
