/**
 * Dense search: the WASM SIMD kernels against the plain loops (int8 scores of every row and of chosen
 * rows, sign bits, sign-bit distances; exact integers, so equality), the shortlist's selection against
 * a sort, the two-stage ranking of a large index against exact f32 search, and the block scorer (a split
 * index's blocks, added one by one) against one scorer over all the rows.
 */
import { describe, expect, test } from 'vitest';
import { denseRanking, EXHAUSTIVE_UP_TO, nearestRows, shortlistSize } from '../src/search/dense-ranking';
import { BlockScorer } from '../src/search/block-scorer';
import { DenseScorer } from '../src/search/dense-scorer';
import { everyScore } from '../src/search/dense-ranking';
import { quantizeVector } from '../src/search/index-build';
import { exactTopIds } from './helpers/exact-search';
import { random } from './helpers/random';

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function randomRows(n: number, dim: number, rand: () => number) {
  const vectors = new Int8Array(n * dim).map(() => Math.floor(rand() * 255) - 127);
  const scales = new Float32Array(n).map(() => 0.001 + rand() * 0.01);
  return { vectors, scales };
}

describe('dense scorer', () => {
  test('the WASM SIMD kernels give exactly what the plain loops give; dims that are not a multiple of 16 use the loops', () => {
    const rand = random(5);
    for (const dim of [256, 896, 48, 144, 40]) {
      const n = 300;
      const { vectors, scales } = randomRows(n, dim, rand);
      const query = new Float32Array(dim).map(() => rand() * 2 - 1);
      const simd = new DenseScorer(vectors, scales, dim);
      const loops = new DenseScorer(vectors, scales, dim, { simd: false });
      expect(simd.usesSimd, `dim ${dim}`).toBe(dim % 16 === 0);
      expect(loops.usesSimd).toBe(false);
      expect(simd.scoreAll(query), `dim ${dim} scoreAll`).toEqual(loops.scoreAll(query));
      const rows = Uint32Array.from({ length: 77 }, () => Math.floor(rand() * n));
      expect(simd.scoreRows(query, rows), `dim ${dim} scoreRows`).toEqual(loops.scoreRows(query, rows));
      expect(Array.from(simd.scoreRows(query, rows))).toEqual(Array.from(rows, (row) => loops.scoreAll(query)[row]));
      expect(simd.signBits(), `dim ${dim} signBits`).toEqual(loops.signBits());
      expect(() => simd.scoreRows(query, Uint32Array.of(0, n)), `dim ${dim}`).toThrow(`row ${n} is not in an index of ${n} rows`);
      expect(() => simd.scoreRows(query, new Uint32Array(n + 1)), `dim ${dim}`).toThrow(`${n + 1} rows asked of an index of ${n}`);
      expect(simd.signDistances(query), `dim ${dim} signDistances`).toEqual(loops.signDistances(query));
    }
  });

  test('blocks added one by one score exactly as one scorer over all their rows, in WASM and in the plain loops', () => {
    const rand = random(7);
    for (const dim of [256, 144, 40]) {
      const sizes = [1, 16, 300, 7, 1000];
      const blocks = sizes.map((rows) => ({ rows, ...randomRows(rows, dim, rand) })).map(({ rows, vectors, scales }) => ({ rows, values: vectors, scales }));
      const whole = new DenseScorer(Int8Array.from(blocks.flatMap((b) => [...b.values])), Float32Array.from(blocks.flatMap((b) => [...b.scales])), dim);
      const query = new Float32Array(dim).map(() => rand() * 2 - 1);
      const expected = whole.scoreAll(query);
      for (const simd of [true, false]) {
        const scorer = new BlockScorer(dim, { simd });
        expect(scorer.usesSimd, `dim ${dim}`).toBe(simd && dim % 16 === 0);
        const added = blocks.map((b) => scorer.add(b));
        const order = [4, 0, 2, 1, 3];
        const scored = scorer.score(query, order.map((i) => added[i]));
        const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
        order.forEach((b, i) => expect(scored[i], `dim ${dim} simd ${simd} block ${b}`).toEqual(expected.subarray(starts[b], starts[b] + sizes[b])));
        const other = query.map((x) => -x);
        expect(scorer.score(other, [added[2]])[0], 'a second query').toEqual(whole.scoreAll(other).subarray(starts[2], starts[2] + sizes[2]));
      }
    }
  });

  test('a score is the int8 row against the int16 query, times both scales; a sign distance counts the dims whose signs differ', () => {
    const rand = random(6);
    const dim = 144;
    const n = 50;
    const { vectors, scales } = randomRows(n, dim, rand);
    const query = new Float32Array(dim).map(() => rand() * 2 - 1);
    const scorer = new DenseScorer(vectors, scales, dim);
    const queryScale = Math.max(...query.map(Math.abs)) / 32767;
    const q16 = Array.from(query, (x) => Math.round(x / queryScale));
    const scores = scorer.scoreAll(query);
    const distances = scorer.signDistances(query);
    for (let row = 0; row < n; row++) {
      let dot = 0;
      let differ = 0;
      for (let d = 0; d < dim; d++) {
        dot += vectors[row * dim + d] * q16[d];
        if (vectors[row * dim + d] < 0 !== query[d] < 0) differ++;
      }
      expect(scores[row], `row ${row}`).toBe(Math.fround(dot * scales[row] * queryScale));
      expect(distances[row], `row ${row}`).toBe(differ);
    }
  });
});

describe('shortlist', () => {
  test('nearestRows takes the rows of smallest distance, the first ones at the cut-off, in row order', () => {
    const rand = random(7);
    for (const count of [1, 10, 500, 999, 1000]) {
      const distances = Int32Array.from({ length: 1000 }, () => Math.floor(rand() * 40));
      const expected = Array.from({ length: 1000 }, (_, row) => row)
        .sort((a, b) => distances[a] - distances[b] || a - b)
        .slice(0, count)
        .sort((a, b) => a - b);
      expect(Array.from(nearestRows(distances, count, 40)), `count ${count}`).toEqual(expected);
    }
  });

  test('its size grows with the index and with the results asked, and never passes the index', () => {
    expect(shortlistSize(30_000, 10)).toBe(4_000);
    expect(shortlistSize(30_000, 400)).toBe(8_000);
    expect(shortlistSize(1_000_000, 10)).toBe(20_000);
    expect(shortlistSize(1_500, 10)).toBe(1_500);
  });

  test(`above ${EXHAUSTIVE_UP_TO.toLocaleString('en')} rows, sign bits then int8 find what int8 over every row finds, and keep recall@10 against exact f32 (30,000 rows around 300 topics, dim 256)`, () => {
    const rand = random(8);
    const dim = 256;
    const n = 30_000;
    const topics = Array.from({ length: 300 }, () => unit(Float32Array.from({ length: dim }, () => gaussian(rand))));
    const exact = new Float32Array(n * dim);
    const vectors = new Int8Array(n * dim);
    const scales = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = unit(topics[i % 300].map((t) => t + gaussian(rand) / Math.sqrt(dim)));
      exact.set(v, i * dim);
      scales[i] = quantizeVector(v, vectors.subarray(i * dim, (i + 1) * dim));
    }
    const scorer = new DenseScorer(vectors, scales, dim);
    const queries = 100;
    const found = { twoStage: 0, everyRow: 0, agree: 0 };
    for (let q = 0; q < queries; q++) {
      const row = Math.floor(rand() * n);
      const query = unit(exact.subarray(row * dim, (row + 1) * dim).map((x) => x + (0.7 * gaussian(rand)) / Math.sqrt(dim)));
      const wanted = exactTopIds(exact, dim, query);
      const ranking = denseRanking(scorer, query);
      const top = ranking.top(10);
      const all = scorer.scoreAll(query);
      const everyRow = new Set(everyScore(all).top(10).map((r) => r.id));
      found.twoStage += top.filter((r) => wanted.has(r.id)).length;
      found.everyRow += [...everyRow].filter((id) => wanted.has(id)).length;
      found.agree += top.filter((r) => everyRow.has(r.id)).length;
      expect(top.map((r) => r.score)).toEqual(top.map((r) => all[r.id]));
      const others = [5, 17, n - 1];
      expect(Array.from(ranking.of(others))).toEqual(others.map((id) => all[id]));
    }
    const [twoStage, everyRow, agree] = [found.twoStage, found.everyRow, found.agree].map((f) => f / (10 * queries));
    console.log(`recall@10 against f32 at ${n} rows: two stages ${twoStage.toFixed(3)}, int8 over every row ${everyRow.toFixed(3)}; the two agree on ${agree.toFixed(3)}`);
    expect(agree).toBeGreaterThanOrEqual(0.99);
    expect(twoStage).toBeGreaterThanOrEqual(everyRow - 0.005);
    expect(twoStage).toBeGreaterThanOrEqual(0.98);
  });
});
