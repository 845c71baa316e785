/**
 * The reference's linear layers in WebAssembly SIMD (kernels/matmul-wasm.ts) against matmulReference's
 * loops, on every epilogue and on row counts that are and are not multiples of four; a page that forbids
 * compiling WebAssembly getting the loops (here and in the dense search); the whole model on them against
 * the same model in plain loops and against the float64 goldens.
 */
import { describe, expect, test, vi } from 'vitest';
import { Embedder } from '../src/embedder';
import { matmulReference, type CpuEpilogue } from '../src/kernels/matmul';
import { wasmMatmul } from '../src/kernels/matmul-wasm';
import { loadCheckpoint } from '../src/model/checkpoint';
import { ReferenceModel } from '../src/model/reference-model';
import { DenseScorer } from '../src/search/dense-scorer';
import { instantiateSearchKernels } from '../src/search/search-kernels';
import { directorySource } from '../src/node/fs-source';
import { expectClose, expectEmbeddingsMatch } from './helpers/compare';
import { TEXTS, checkpointDir, golden } from './helpers/fixtures';
import { random } from './helpers/random';

const values = (rand: () => number, n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);

describe('linear layers in WASM SIMD', () => {
  const simd = wasmMatmul();

  test('Node has WebAssembly SIMD, so the kernel is there (a runtime without it would take the loops)', () => {
    expect(simd).toBeDefined();
  });

  const epilogues: [string, (rand: () => number, m: number, n: number) => CpuEpilogue][] = [
    ['plain', () => ({ bias: false, relu: false, accumulate: false })],
    ['bias and ReLU', (rand, _m, n) => ({ bias: true, relu: true, accumulate: false, biasValues: values(rand, n) })],
    ['accumulating', (rand, m, n) => ({ bias: false, relu: false, accumulate: true, into: values(rand, m * n) })],
    ['SwiGLU', () => ({ bias: false, relu: false, accumulate: false, swiglu: true })],
  ];
  for (const [name, epilogue] of epilogues) {
    for (const [m, n, k] of [[1, 8, 16], [3, 24, 64], [4, 6, 256], [17, 32, 768], [0, 8, 16]]) {
      test(`${name}, ${m}x${k} by ${n}x${k}: as matmulReference within the kernel tolerance`, () => {
        const rand = random(m * 1000 + n * 10 + k);
        const [x, w] = [values(rand, m * k), values(rand, n * k)];
        const [a, b] = [epilogue(rand, m, n), epilogue(random(1), m, n)];
        const want = matmulReference(x, w, m, n, k, { ...a, into: a.into?.slice() });
        const got = simd!(x, w, m, n, k, { ...a, into: a.into?.slice() });
        expect(got.length).toBe(want.length);
        expectClose(got, want);
        // The same matrix again, now held in the module's memory, with other inputs.
        const x2 = values(rand, m * k);
        expectClose(simd!(x2, w, m, n, k, { ...b, into: b.into?.slice() }), matmulReference(x2, w, m, n, k, { ...b, into: b.into?.slice() }));
      });
    }
  }

  test('a page that forbids compiling WebAssembly (its CSP lacks wasm-unsafe-eval) gets the loops, here and in the dense search', () => {
    const scorer = () => new DenseScorer(Int8Array.from({ length: 32 }, (_, i) => i - 16), Float32Array.of(0.5, 0.25), 16);
    const refused = vi.spyOn(WebAssembly, 'Module').mockImplementation(() => {
      throw new WebAssembly.CompileError("Refused to compile or instantiate WebAssembly module because 'wasm-unsafe-eval' is not an allowed source of script");
    });
    try {
      expect(wasmMatmul()).toBeUndefined();
      expect(instantiateSearchKernels()).toBeUndefined();
      expect(scorer().usesSimd).toBe(false);
    } finally {
      refused.mockRestore();
    }
    expect(wasmMatmul()).toBeDefined();
    expect(scorer().usesSimd).toBe(true);
  });

  test('a k that is not a multiple of four takes the loops: the very same numbers', () => {
    const rand = random(7);
    const [x, w] = [values(rand, 5 * 6), values(rand, 3 * 6)];
    const epilogue = { bias: false, relu: false, accumulate: false };
    expect(simd!(x, w, 5, 3, 6, epilogue)).toEqual(matmulReference(x, w, 5, 3, 6, epilogue));
  });
});

describe('the reference device on them', () => {
  const NAME = 'small-bf16-gqa2';
  const expected = golden(NAME);

  test('matches the goldens, and the same model in plain loops', async () => {
    const embedder = await Embedder.load(directorySource(checkpointDir(NAME)), { device: 'reference' });
    expect(embedder.backend.description).toMatch(/linear layers in WASM SIMD/);
    expectEmbeddingsMatch(await embedder.embed(TEXTS), expected.embeddings, `${NAME} reference, WASM SIMD`);
    const checkpoint = await loadCheckpoint(directorySource(checkpointDir(NAME)));
    const [fast, plain] = [new ReferenceModel(checkpoint), new ReferenceModel(checkpoint, { plainLoops: true })];
    expect(plain.description).toBe('TypeScript reference (CPU)');
    const sequences = expected.tokens.slice(0, 4).map((ids) => Uint32Array.from(ids.slice(0, 256)));
    const [a, b] = [await fast.embed(sequences), await plain.embed(sequences)];
    a.forEach((v, i) => expectClose(v, b[i], 1e-6, 1e-5));
  });
});
