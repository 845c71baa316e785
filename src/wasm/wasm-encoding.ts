/**
 * The part of the WebAssembly binary format that this project's WASM kernels are written in (the dense
 * search's, search/search-kernels.ts; the reference's linear layers, kernels/matmul-wasm.ts), with no
 * toolchain: LEB128 numbers, a module of functions over one exported memory, and the opcodes the
 * kernels use, named as in the specification (SIMD opcodes after the 0xfd prefix).
 */

export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};

export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};

const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
/** Memory access immediates: alignment as a power of two, then the static byte offset. */
const memarg = (align: number, offset: number) => [align, ...uleb(offset)];

export const op = {
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32GeU: [0x4f],
  i32Load: (offset = 0) => [0x28, ...memarg(2, offset)],
  i32Store: (offset = 0) => [0x36, ...memarg(2, offset)],
  i32Store16: (offset = 0) => [0x3b, ...memarg(1, offset)],
  f32Store: (offset = 0) => [0x38, ...memarg(2, offset)],
  f32Add: [0x92],
  v128Load: (offset = 0) => [...simd(0x00), ...memarg(0, offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  v128Xor: simd(0x51),
  i8x16Popcnt: simd(0x62),
  i8x16Bitmask: simd(0x64),
  i16x8ExtaddPairwiseI8x16U: simd(0x7d),
  i32x4ExtaddPairwiseI16x8U: simd(0x7f),
  i16x8ExtendLowI8x16S: simd(0x87),
  i16x8ExtendHighI8x16S: simd(0x88),
  i16x8Add: simd(0x8e),
  i32x4Add: simd(0xae),
  i32x4DotI16x8S: simd(0xba),
  i32x4ExtractLane: (lane: number) => [...simd(0x1b), lane],
  f32x4ExtractLane: (lane: number) => [...simd(0x1f), lane],
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
};

/** `for (; counter < limit; counter += step) body`, the counter and limit being locals. */
export function forLoop(counter: number, limit: number[], step: number[], body: number[]): number[] {
  return [
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...op.get(counter), ...limit, ...op.i32GeU, 0x0d, 0x01, // br_if out of the block
    ...body,
    ...op.get(counter), ...step, ...op.i32Add, ...op.set(counter),
    0x0c, 0x00, 0x0b, 0x0b, // br to the loop; end loop, end block
  ];
}

/** The lane reads and the add of each four-lane vector type whose lanes sumLanes sums. */
const LANES = {
  i32: { extract: op.i32x4ExtractLane, add: op.i32Add },
  f32: { extract: op.f32x4ExtractLane, add: op.f32Add },
};

/** The sum of a four-lane vector's lanes (an i32x4's, or an f32x4's in f32), the vector taken from local `v`. */
export function sumLanes(v: number, type: keyof typeof LANES = 'i32'): number[] {
  const { extract, add } = LANES[type];
  return [...op.get(v), ...extract(0), ...op.get(v), ...extract(1), ...add, ...op.get(v), ...extract(2), ...add, ...op.get(v), ...extract(3), ...add];
}

export interface WasmFunction {
  readonly name: string;
  /** Its parameters, all i32 (byte offsets and counts); locals 0..params-1. */
  readonly params: number;
  /** Its i32 locals (numbered after the parameters), then its v128 locals. */
  readonly i32Locals: number;
  readonly v128Locals: number;
  readonly body: number[];
}

const I32 = 0x7f;
const V128 = 0x7b;
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];

/** A module exporting `functions` (no results) and its memory (one page to start) as "memory". */
export function wasmModule(functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...uleb(f.params), ...new Array<number>(f.params).fill(I32), 0]);
  const bodies = functions.map((f) => {
    const code = [...vector([[...uleb(f.i32Locals), I32], [...uleb(f.v128Locals), V128]]), ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(5, [1, 0x00, 1]),
    ...section(7, vector([[...name('memory'), 0x02, 0], ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vector(bodies)),
  ]);
}

const PAGE_BYTES = 65536;

/** Whether `memory` holds at least `bytes`, grown if need be; false past what the runtime gives WebAssembly (4 GiB, or a browser's limit). */
export function reserved(memory: WebAssembly.Memory, bytes: number): boolean {
  const missing = bytes - memory.buffer.byteLength;
  try {
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
    return true;
  } catch {
    return false;
  }
}

/**
 * The exports of `module`, or undefined where the runtime cannot run it: no WebAssembly, no SIMD (the
 * module does not validate), or a page whose Content-Security-Policy forbids compiling it (no
 * 'wasm-unsafe-eval'). Callers then take their plain loops.
 */
export function instantiated<T>(module: Uint8Array<ArrayBuffer>): T | undefined {
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(module)) return undefined;
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(module)).exports as unknown as T;
  } catch {
    return undefined;
  }
}
