/**
 * The chunk texts an index keeps, by chunk id. An index read from a file holds them as the file stores
 * them (format version 2, index-file.ts): one run of UTF-8 bytes and where each chunk's text begins in
 * it; a text is decoded when it is asked for. A search reads a few dozen texts of an index (a few hundred
 * on its first query), and decoding all of them up front (a JSON array, in version 1) was about half of
 * what a `c2llm search` of a large index took.
 */
import { InputError } from '../errors';

export interface ChunkTexts {
  readonly length: number;
  /** Chunk `id`'s text (0 <= id < length). */
  at(id: number): string;
}

/** Texts in memory, as the indexer makes them. */
export const textsOf = (texts: readonly string[]): ChunkTexts => ({ length: texts.length, at: (id) => texts[id] });

/** Texts stored as in the file: text i is bytes[starts[i] .. starts[i + 1]], well-formed UTF-8 (the reader checks). */
export class EncodedTexts implements ChunkTexts {
  // ignoreBOM: a text that begins with U+FEFF keeps it, as it was written.
  private static readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(
    readonly starts: Uint32Array,
    readonly bytes: Uint8Array,
  ) {}

  get length(): number {
    return this.starts.length - 1;
  }

  at(id: number): string {
    if (!(Number.isInteger(id) && id >= 0 && id < this.length)) throw new RangeError(`chunk text ${id} of ${this.length}`);
    return EncodedTexts.decoder.decode(this.bytes.subarray(this.starts[id], this.starts[id + 1]));
  }
}

/** A lone UTF-16 surrogate, which UTF-8 cannot hold (TextEncoder would write U+FFFD in its place). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `texts` as the file stores them (as they are, when they were read from one). */
export function encodeTexts(texts: ChunkTexts): EncodedTexts {
  if (texts instanceof EncodedTexts) return texts;
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const starts = new Uint32Array(texts.length + 1);
  for (let id = 0; id < texts.length; id++) {
    const text = texts.at(id);
    if (LONE_SURROGATE.test(text)) throw new InputError(`chunk text ${id} holds a lone UTF-16 surrogate, which an index file (UTF-8) cannot store`);
    const bytes = encoder.encode(text);
    if (starts[id] + bytes.byteLength > 0xffffffff) throw new InputError('chunk texts of more than 4 GiB do not fit an index file');
    parts.push(bytes);
    starts[id + 1] = starts[id] + bytes.byteLength;
  }
  const bytes = new Uint8Array(starts[texts.length]);
  parts.forEach((part, id) => bytes.set(part, starts[id]));
  return new EncodedTexts(starts, bytes);
}
