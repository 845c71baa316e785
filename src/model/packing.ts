/**
 * Sequences packed end to end with no padding: the kernels see one row per real token, plus the
 * per-token position and sequence start that RoPE and causal attention need, and each sequence's
 * start and length for the pooling head. A text's result cannot depend on its neighbours because no
 * kernel ever reads across a sequence boundary.
 */
export interface PackedBatch {
  readonly sequences: number;
  readonly tokens: number;
  readonly tokenIds: Uint32Array;
  /** Position of each token within its own sequence (RoPE). */
  readonly positions: Uint32Array;
  /** Index of the first token of each token's sequence (causal attention's first key). */
  readonly tokenSeqStart: Uint32Array;
  readonly seqStart: Uint32Array;
  readonly seqLen: Uint32Array;
}

export function packSequences(sequences: readonly ArrayLike<number>[]): PackedBatch {
  const tokens = sequences.reduce((n, s) => n + s.length, 0);
  const batch = {
    sequences: sequences.length,
    tokens,
    tokenIds: new Uint32Array(tokens),
    positions: new Uint32Array(tokens),
    tokenSeqStart: new Uint32Array(tokens),
    seqStart: new Uint32Array(sequences.length),
    seqLen: new Uint32Array(sequences.length),
  };
  let offset = 0;
  sequences.forEach((ids, b) => {
    batch.seqStart[b] = offset;
    batch.seqLen[b] = ids.length;
    for (let t = 0; t < ids.length; t++) {
      batch.tokenIds[offset + t] = ids[t];
      batch.positions[offset + t] = t;
      batch.tokenSeqStart[offset + t] = offset;
    }
    offset += ids.length;
  });
  return batch;
}

/** Splits sequences, in order, into groups of at most `maxTokens` tokens each (a longer sequence goes alone). */
export function splitByTokens<T extends ArrayLike<number>>(sequences: readonly T[], maxTokens: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let count = 0;
  for (const s of sequences) {
    if (current.length && count + s.length > maxTokens) {
      groups.push(current);
      current = [];
      count = 0;
    }
    current.push(s);
    count += s.length;
  }
  if (current.length) groups.push(current);
  return groups;
}
