/**
 * Rotary position embedding (rotate-half). On the GPU it is the q|k|v matmul's epilogue
 * (shaders/rotary_epilogue.wgsl) over rows reordered by `rotaryPairOrder`; `ropeReference` is the
 * plain form, in place on the q and k heads of fused qkv rows.
 */

/** (cos, sin) of position * theta^(-2i/headDim) for every position < maxPosition and i < headDim/2, in float64. */
export function ropeTable(maxPosition: number, headDim: number, theta: number): Float32Array {
  const half = headDim / 2;
  const table = new Float32Array(maxPosition * half * 2);
  for (let p = 0; p < maxPosition; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * theta ** (-(2 * i) / headDim);
      table[(p * half + i) * 2] = Math.cos(angle);
      table[(p * half + i) * 2 + 1] = Math.sin(angle);
    }
  }
  return table;
}

export interface RopeShape {
  readonly tokens: number;
  /** Number of heads rotated: all q heads then all k heads, from column 0. */
  readonly rotatedHeads: number;
  readonly headDim: number;
  readonly rowStride: number;
}

/**
 * The upload order of the q|k|v projection's rows (and bias) for the rotary epilogue: within each of
 * the first `rotatedHeads` heads, row 2i takes source row i and row 2i+1 source row i + headDim / 2, so
 * that each rotate-half pair lands in adjacent output columns; later rows (the v heads) keep their place.
 * Returns the source row of each destination row.
 */
export function rotaryPairOrder(rotatedHeads: number, headDim: number): (row: number) => number {
  const half = headDim / 2;
  return (row) => {
    if (row >= rotatedHeads * headDim) return row;
    const j = row % headDim;
    return row - j + (j % 2 === 0 ? j / 2 : half + (j - 1) / 2);
  };
}

export function ropeReference(qkv: Float32Array, positions: ArrayLike<number>, table: Float32Array, args: RopeShape): void {
  const half = args.headDim / 2;
  for (let n = 0; n < args.tokens; n++) {
    for (let h = 0; h < args.rotatedHeads; h++) {
      for (let i = 0; i < half; i++) {
        const cos = table[(positions[n] * half + i) * 2];
        const sin = table[(positions[n] * half + i) * 2 + 1];
        const a = n * args.rowStride + h * args.headDim + i;
        const [x1, x2] = [qkv[a], qkv[a + half]];
        qkv[a] = x1 * cos - x2 * sin;
        qkv[a + half] = x2 * cos + x1 * sin;
      }
    }
  }
}
