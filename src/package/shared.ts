/**
 * The named exports beside `createEmbedder` that both builds of the package offer: the tokenizer, a
 * checkpoint's inspection, and the search index (build, read, search) of index files.
 */
export { TextTokenizer } from '../text/tokenizer';
export { openCheckpoint } from '../model/checkpoint';
export type { ModelConfig } from '../model/config';
export type { CheckpointSource } from '../model/source';
export { urlSource } from '../load/url-source';
export { CodeIndex, type CodeSearchResult } from '../search/code-index';
export { searchedAs } from '../search/language-query';
export { decodeIndex, encodeIndex, type IndexData } from '../search/index-file';
export { textsOf, type ChunkTexts } from '../search/chunk-texts';
export { Bm25Index } from '../search/bm25';
export { lexicalTokens } from '../search/lexical-tokens';
