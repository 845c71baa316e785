/**
 * Debug mode's comparison: a forward pass's steps as the GPU computed them (GpuModel.trace) against
 * the same steps of the TypeScript reference (ReferenceModel.trace), in order, and the first step
 * whose values disagree, with the kernel that computed it. A step is one kernel's output, named as
 * the forward pass names it (`embedding`, `layer0.input_norm`, `layer0.qkv`, … `pma.ln1`).
 */
export interface TraceStep {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly values: Float32Array;
  /** The GPU kernel that computed it (GPU steps only). */
  readonly kernel?: string;
}

export interface Disagreement {
  readonly step: string;
  readonly kernel: string;
  /** The largest |gpu - reference| over the step, where it is (row, column), and the step's tolerance. */
  readonly maxAbs: number;
  readonly at: readonly [number, number];
  readonly tolerance: number;
}

/**
 * The first step where |gpu - reference| passes `relative` x the step's largest |reference| value plus
 * `absolute`, or undefined when all agree. Steps must come in the same order with the same shapes.
 */
export function firstDisagreement(gpu: readonly TraceStep[], reference: readonly TraceStep[], relative = 1e-3, absolute = 1e-5): Disagreement | undefined {
  if (gpu.length !== reference.length) throw new Error(`the GPU traced ${gpu.length} steps, the reference ${reference.length}`);
  for (const [i, g] of gpu.entries()) {
    const r = reference[i];
    if (g.name !== r.name || g.rows !== r.rows || g.cols !== r.cols) {
      throw new Error(`step ${i}: the GPU traced ${g.name} [${g.rows}, ${g.cols}], the reference ${r.name} [${r.rows}, ${r.cols}]`);
    }
    let scale = 0;
    for (const v of r.values) scale = Math.max(scale, Math.abs(v));
    const tolerance = relative * scale + absolute;
    let maxAbs = 0;
    let worst = 0;
    for (let j = 0; j < r.values.length; j++) {
      const diff = Math.abs(g.values[j] - r.values[j]);
      if (!(diff <= maxAbs)) [maxAbs, worst] = [diff, j];
    }
    if (!(maxAbs <= tolerance)) return { step: g.name, kernel: g.kernel ?? '?', maxAbs, at: [Math.floor(worst / r.cols), worst % r.cols], tolerance };
  }
  return undefined;
}
