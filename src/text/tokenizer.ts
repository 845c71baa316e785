/**
 * Text -> token ids with the checkpoint's own tokenizer files (@huggingface/tokenizers): no special
 * tokens added, truncated to the first `maxLength` tokens.
 *
 * Very long texts are not tokenized whole: a prefix is, growing until it yields comfortably more
 * than `maxLength` tokens. The pre-tokenizer splits text into pieces that are encoded independently,
 * so only the last pieces of a prefix can differ from the full text's, and the margin keeps them
 * beyond the cut.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { CheckpointError } from '../errors';

const PREFIX_MARGIN_TOKENS = 64;

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;

  constructor(tokenizerJson: object, tokenizerConfig: object) {
    const vocab = (tokenizerJson as { model?: { vocab?: unknown } }).model?.vocab;
    const size = Array.isArray(vocab) ? vocab.length : typeof vocab === 'object' && vocab !== null ? Object.keys(vocab).length : 0;
    if (size === 0) throw new CheckpointError('tokenizer.json', 'field "model.vocab" is missing or empty: every text would become zero tokens');
    try {
      this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (cause) {
      throw new CheckpointError('tokenizer.json', `could not be loaded: ${(cause as Error).message}`, { cause });
    }
  }

  private ids(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  encode(text: string, maxLength: number): Uint32Array {
    let prefixChars = maxLength * 4;
    while (prefixChars < text.length) {
      const ids = this.ids(text.slice(0, prefixChars));
      if (ids.length >= maxLength + PREFIX_MARGIN_TOKENS) return Uint32Array.from(ids.slice(0, maxLength));
      prefixChars *= 2;
    }
    return Uint32Array.from(this.ids(text).slice(0, maxLength));
  }
}
