/** The benchmark's workloads and measuring loop, shared by the Node bench and the Chromium bench page. */
import { ropeTable } from '../src/kernels/rope';
import type { Checkpoint } from '../src/model/checkpoint';
import { graphFeeds } from '../src/model/ort-model';

function lengths(seed: number, count: number, min: number, max: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return min + (state % (max - min + 1));
  });
}

export const WORKLOADS: Record<string, number[]> = {
  '1x128': [128],
  '8x512': Array(8).fill(512),
  '1x2048': [2048],
  'corpus mix': lengths(7, 24, 30, 600),
};

export function sequences(lens: number[], seed: number): Uint32Array[] {
  let state = seed;
  return lens.map((n) =>
    Uint32Array.from({ length: n }, () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % 151643;
    }),
  );
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export type Embed = (seqs: Uint32Array[]) => Promise<unknown>;

export interface EngineResult {
  engine: string;
  description: string;
  firstEmbeddingMs: number;
  workloads: Record<string, { tokensPerSecond: number | null; runs: number[]; note?: string }>;
  extra: Record<string, unknown>;
}

export interface MeasureOptions {
  readonly runs: number;
  /** Seconds allowed per workload; one estimated to take longer is skipped and says so. */
  readonly budgetSeconds: number;
  readonly log: (line: string) => void;
  /** Only these workloads (default: all). */
  readonly workloads?: readonly string[];
}

/** Time to first embedding (from `start`), then each workload: one warm-up run and `runs` timed runs. */
export async function measure(engine: string, description: string, start: number, embed: Embed, options: MeasureOptions): Promise<EngineResult> {
  await embed(sequences([16], 1));
  const result: EngineResult = { engine, description, firstEmbeddingMs: performance.now() - start, workloads: {}, extra: {} };
  let secondsPerToken = 0;
  for (const [name, lens] of Object.entries(WORKLOADS)) {
    if (options.workloads && !options.workloads.includes(name)) {
      result.workloads[name] = { tokensPerSecond: null, runs: [], note: 'not selected' };
      continue;
    }
    const tokens = lens.reduce((a, b) => a + b, 0);
    const estimate = secondsPerToken * tokens * (options.runs + 1);
    if (estimate > options.budgetSeconds) {
      result.workloads[name] = { tokensPerSecond: null, runs: [], note: `skipped: about ${estimate.toFixed(0)} s for ${options.runs} runs` };
      options.log(`  ${engine} ${name}: skipped (estimated ${estimate.toFixed(0)} s)`);
      continue;
    }
    const seqs = sequences(lens, 99);
    const warm = performance.now();
    await embed(seqs);
    secondsPerToken = Math.max(secondsPerToken, (performance.now() - warm) / 1000 / tokens);
    const rates: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      const t0 = performance.now();
      await embed(seqs);
      rates.push(tokens / ((performance.now() - t0) / 1000));
    }
    result.workloads[name] = { tokensPerSecond: median(rates), runs: rates };
    options.log(`  ${engine} ${name}: ${median(rates).toFixed(1)} tokens/s (runs ${rates.map((r) => r.toFixed(1)).join(', ')})`);
  }
  return result;
}

/** The graph's inputs for one sequence, prepared outside the timing for the plain-onnxruntime baselines. */
export function graphInputs<T>(checkpoint: Checkpoint, ids: Uint32Array, tensor: (data: Float32Array, dims: number[]) => T): Record<string, T> {
  const rope = ropeTable(ids.length, checkpoint.config.headDim, checkpoint.config.ropeTheta);
  const feeds = graphFeeds(checkpoint.config, checkpoint.weights.embedTokens, rope, ids);
  return Object.fromEntries(Object.entries(feeds).map(([name, { data, dims }]) => [name, tensor(data, dims)]));
}

/** Runs a plain session over prepared inputs, one run per sequence, preparing each sequence once. */
export function plainSessionEmbed<T>(run: (feeds: Record<string, T>) => Promise<unknown>, prepare: (ids: Uint32Array) => Record<string, T>): Embed {
  const prepared = new Map<Uint32Array, Record<string, T>>();
  return async (seqs) => {
    for (const s of seqs) if (!prepared.has(s)) prepared.set(s, prepare(s));
    for (const s of seqs) await run(prepared.get(s)!);
  };
}

export function resultTable(results: EngineResult[], baselineEngine: string): string {
  const baseline = results.find((r) => r.engine === baselineEngine);
  const names = Object.keys(WORKLOADS);
  return [
    `| engine | ${names.join(' | ')} | first embedding |`,
    `|---|${names.map(() => '---').join('|')}|---|`,
    ...results.map((r) => {
      const cells = names.map((n) => {
        const v = r.workloads[n].tokensPerSecond;
        if (v === null) return r.workloads[n].note === 'not selected' ? '-' : 'skipped';
        const base = baseline?.workloads[n].tokensPerSecond;
        return base && r !== baseline ? `${v.toFixed(1)} (${(v / base).toFixed(2)}x)` : v.toFixed(1);
      });
      return `| ${r.description} | ${cells.join(' | ')} | ${(r.firstEmbeddingMs / 1000).toFixed(2)} s |`;
    }),
  ].join('\n');
}
