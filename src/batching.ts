/**
 * How embedding work is cut into pieces, decided here and nowhere else.
 *
 * - A forward pass takes at most TEXTS_PER_PASS texts (the Embedder sorts a call's texts by length
 *   first, so a pass holds similar lengths). On WebGPU a pass is further capped by tokens: the widest
 *   activation row times the tokens must fit one storage binding, so GpuModel derives that budget from
 *   the adapter's limits at load (it cannot be a constant).
 * - Callers that report progress or can be cancelled hand the engine TEXTS_PER_REPORT texts at a time,
 *   a whole number of passes so that no pass is cut short: one pass where a person watches a page (the
 *   worker client and the demo's indexer: a bar that moves and a cancel that answers within one pass),
 *   eight where a line on stderr is enough (the CLI).
 */
export const TEXTS_PER_PASS = 32;

export const TEXTS_PER_REPORT = {
  interactive: TEXTS_PER_PASS,
  terminal: 8 * TEXTS_PER_PASS,
} as const;
