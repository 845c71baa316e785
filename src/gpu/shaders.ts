/** The WGSL sources, imported raw by the bundler (Vite in the browser, tests and CLI build). */
import attention from '../../shaders/attention.wgsl?raw';
import embedding from '../../shaders/embedding.wgsl?raw';
import layernorm from '../../shaders/layernorm.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import noRotaryEpilogue from '../../shaders/no_rotary_epilogue.wgsl?raw';
import pmaAttention from '../../shaders/pma_attention.wgsl?raw';
import rmsnorm from '../../shaders/rmsnorm.wgsl?raw';
import rotaryEpilogue from '../../shaders/rotary_epilogue.wgsl?raw';
import weightsBf16 from '../../shaders/weights_bf16.wgsl?raw';
import weightsF16 from '../../shaders/weights_f16.wgsl?raw';
import weightsF32 from '../../shaders/weights_f32.wgsl?raw';
import weightsI8 from '../../shaders/weights_i8.wgsl?raw';
import workgroupSum from '../../shaders/workgroup_sum.wgsl?raw';
import type { DType } from '../tensor/dtype';

export const SHADERS = { attention, embedding, layernorm, matmul, pmaAttention, rmsnorm };

const WEIGHT_READERS: Record<DType, string> = { F32: weightsF32, F16: weightsF16, BF16: weightsBf16, I8: weightsI8 };

/** A one-workgroup-per-row kernel, with the `workgroup_sum` helper concatenated in front. */
export function withWorkgroupSum(kernel: string): string {
  return `${workgroupSum}\n${kernel}`;
}

/** A kernel that reads weights through `weight_at`, with the reader for `dtype` concatenated in front. */
export function withWeightReader(dtype: DType, kernel: string): string {
  return `${WEIGHT_READERS[dtype]}\n${kernel}`;
}

/** The matmul with its `rotary` epilogue: RoPE on the q and k columns, or the identity. */
export function withRotaryEpilogue(rotary: boolean, kernel: string): string {
  return `${rotary ? rotaryEpilogue : noRotaryEpilogue}\n${kernel}`;
}

/**
 * The value of a `const NAME = <integer>u;` in a kernel's WGSL: for numbers that must be WGSL constants
 * (a function-scope array's length, a register tile held in named variables), so that TypeScript reads
 * them from the shader instead of mirroring them.
 */
export function wgslConst(source: string, name: string): number {
  const match = new RegExp(`^const\\s+${name}\\s*=\\s*(\\d+)u?\\s*;`, 'm').exec(source);
  if (!match) throw new Error(`no "const ${name} = <integer>;" in the WGSL`);
  return Number(match[1]);
}
