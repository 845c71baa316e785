/**
 * Search as you type (src/search/query-completion.ts): a query's last word, cut short, is completed by
 * the index's commonest word that begins with it; a whole word of the index, a short fragment or a query
 * that ends in a space stays as typed. One index file and its split layout (whose vocabulary is spread
 * over term shards it fetches, and words parts) complete and correct (query-correction.ts) every query
 * alike; a layout written before the words parts corrects none, and a damaged words part is an
 * IndexFileError naming the file.
 */
import { describe, expect, test } from 'vitest';
import { CodeIndex } from '../src/search/code-index';
import { buildIndexData, type EmbeddedFile } from '../src/search/index-build';
import type { IndexHeader } from '../src/search/index-file';
import { completeWith, wordBeingTyped, type TermCount } from '../src/search/query-completion';
import { SplitCodeIndex } from '../src/search/split-code-index';
import { encodeManifest, MANIFEST_NAME, splitIndex, termShardName, wordsName } from '../src/search/split-index';
import { IndexFileError } from '../src/errors';
import { random, randomUnit } from './helpers/random';

const VOCABULARY: TermCount[] = [['parseversion', 3], ['retain', 4], ['retry', 9], ['retrying', 2], ['return', 9], ['reverse', 30], ['version', 12], ['versioned', 1]];

describe('the word being typed', () => {
  test('is the last word, with the term it is when whole and the prefix of the terms it may become', () => {
    expect(wordBeingTyped('split a shell command line into wor')).toEqual({ term: 'wor', prefix: 'wor' });
    expect(wordBeingTyped('parse_Dur')).toEqual({ term: 'parsedur', prefix: 'parsedur' });
    expect(wordBeingTyped('lower bounds')).toEqual({ term: 'bound', prefix: 'bounds' });
  });

  test('is none where the query ends in a space or a sign, or the word is under three characters or no word (over 64)', () => {
    expect(['retry with backoff ', 'retry(', 'lower ve', 'a_b', '', '   ', `data ${'f'.repeat(65)}`].map(wordBeingTyped)).toEqual(Array(7).fill(undefined));
    expect(wordBeingTyped(`data ${'f'.repeat(64)}`)?.prefix).toBe('f'.repeat(64));
  });

  test('is found in time linear in the query (a pasted file of one word, then a sign)', () => {
    const started = performance.now();
    expect(wordBeingTyped(`${'a'.repeat(200_000)}!`)).toBeUndefined();
    expect(wordBeingTyped(`${'a'.repeat(200_000)} ver`)?.prefix).toBe('ver');
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('completing it', () => {
  const complete = (query: string) => completeWith(query, wordBeingTyped(query)!, VOCABULARY.filter(([term]) => term >= wordBeingTyped(query)!.term));

  test('by the commonest term that begins with it (the first of a tie), its rest appended as typed', () => {
    expect(complete('give up after too many ret')).toBe('give up after too many retry');
    expect(complete('the RET')).toBe('the RETry');
    expect(complete('lower vers')).toBe('lower version');
    expect(complete('parse_ver')).toBe('parse_version');
  });

  test('not where the word is a term itself, or no term begins with it', () => {
    expect(complete('retain')).toBe('retain');
    expect(complete('give up and retrying')).toBe('give up and retrying');
    expect(complete('sort the zeb')).toBe('sort the zeb');
    expect(complete('reversed')).toBe('reversed');
  });

  test('reading the terms no further than the last that begins with it', () => {
    const read: string[] = [];
    const terms = function* () {
      for (const entry of VOCABULARY.filter(([term]) => term >= 'retr')) {
        read.push(entry[0]);
        yield entry;
      }
    };
    expect(completeWith('retr', wordBeingTyped('retr')!, terms())).toBe('retry');
    expect(read).toEqual(['retry', 'retrying', 'return']);
  });
});

describe('one index file and its split layout', () => {
  /** A model that knows no word (the correction's own rules alone). */
  const noWord = () => false;
  const dim = 16;
  const header: IndexHeader = { model: { id: 'test-model', fingerprint: 'sha256:abc' }, dim, chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 } };
  // 60 words that begin with "ret" (`retaa` … `retdf`; no `s` at the end, which would drop off), word w in
  // 60 - w of every 60 chunks, so that their postings fill several term shards; with them a few others.
  const word = (w: number) => `ret${String.fromCharCode(97 + Math.floor(w / 18), 97 + (w % 18))}`;
  const rand = random(7);
  const files: EmbeddedFile[] = Array.from({ length: 120 }, (_, f) => {
    const texts = Array.from({ length: 4 }, (_, j) => {
      const chunk = f * 4 + j;
      const words = Array.from({ length: 60 }, (_, w) => ((7 * chunk + 13 * w) % 60 >= w ? word(w) : '')).filter(Boolean);
      return [...words, 'reverse version', chunk % 2 ? 'retain' : 'parse'].join(' ');
    });
    const vectors = new Float32Array(4 * dim);
    texts.forEach((_, j) => vectors.set(randomUnit(rand, dim), j * dim));
    return { path: `src/f${f}.py`, language: 'python', hash: String(f).padStart(64, 'b'), chunks: texts.map((text, j) => ({ startLine: j * 10 + 1, endLine: j * 10 + 8, text })), vectors };
  });
  const data = buildIndexData(header, files, true);
  const { manifest, files: parts } = splitIndex(data);
  const all = new Map([...parts, [MANIFEST_NAME, encodeManifest(manifest)]]);

  test('complete every query alike; the split layout fetches the term shards the prefix spans', async () => {
    const single = new CodeIndex(data);
    const split = await SplitCodeIndex.open('split', async (name) => all.get(name)!);
    const queries = ['retry after ret', 'retry after retb', 'retc', 'retain', 'rev', 'ver', 'a fragment nothing begins with: xyz', 'ends in a space ret ', 'pars', 'retdf'];
    const completed = queries.map((q) => single.correct(q, noWord));
    expect(completed).toEqual(['retry after retaa', 'retry after retba', 'retca', 'retain', 'reverse', 'version', 'a fragment nothing begins with: xyz', 'ends in a space ret ', 'parse', 'retdf']);
    for (const [i, query] of queries.entries()) expect(await split.correct(query, noWord)).toBe(completed[i]);
    // A query given whole (the CLI's) has no word cut short: only misspelt words change ("retdf" is one typo from none).
    const whole = queries.map((q) => single.correct(q, noWord, false));
    expect(whole).toEqual(['retry after ret', 'retry after retb', 'retc', 'retain', 'rev', 'ver', 'a fragment nothing begins with: xyz', 'ends in a space ret ', 'pars', 'retdf']);
    for (const [i, query] of queries.entries()) expect(await split.correct(query, noWord, false)).toBe(whole[i]);
    const shards = manifest.terms.firsts.map((_, s) => termShardName(manifest, s)).filter((name) => split.fetched.has(name));
    expect(manifest.terms.firsts.length).toBeGreaterThanOrEqual(3);
    expect(shards.length).toBeGreaterThanOrEqual(2);
  });

  test('correct every misspelt word alike, fetching the words part of its first letter alone', async () => {
    const single = new CodeIndex(data);
    const split = await SplitCodeIndex.open('split', async (name) => all.get(name)!);
    const queries = ['revrese the verison ', 'retainn the versions', 'Revrese verison_ retainn!', 'prase the reverse', 'rverse'];
    const corrected = queries.map((q) => single.correct(q, noWord));
    expect(corrected).toEqual(['reverse the version ', 'retain the versions', 'Revrese verison_ retain!', 'parse the reverse', 'reverse']);
    for (const [i, query] of queries.entries()) expect(await split.correct(query, noWord)).toBe(corrected[i]);
    const wordsParts = [...all.keys()].filter((name) => /^w\d+-/.test(name));
    expect(wordsParts.length).toBe(manifest.words!.letters.length);
    expect([...split.fetched.keys()].filter((name) => wordsParts.includes(name)).sort()).toEqual(['p', 'r', 'v'].map((letter) => wordsName(manifest.words!, letter)).sort());
    // A query that quotes its words is searched as typed, and nothing is fetched to correct it.
    const quoting = await SplitCodeIndex.open('split', async (name) => all.get(name)!);
    expect(await quoting.correct('"revrese" the verison', noWord, false)).toBe('"revrese" the verison');
    expect([...quoting.fetched.keys()].filter((name) => wordsParts.includes(name))).toEqual([]);
  });

  test('a word the model knows is kept, and the split layout fetches nothing to correct it', async () => {
    const knowsPrase = (word: string) => word === 'prase';
    const [split, without] = await Promise.all(['split', 'without'].map((folder) => SplitCodeIndex.open(folder, async (name) => all.get(name)!)));
    expect(new CodeIndex(data).correct('prase the reverse', knowsPrase)).toBe('prase the reverse');
    expect(await split.correct('prase the reverse', knowsPrase)).toBe('prase the reverse');
    expect(await without.correct('the reverse', knowsPrase)).toBe('the reverse');
    expect([...split.fetched.keys()].sort()).toEqual([...without.fetched.keys()].sort());
  });

  test('a layout written before the words parts corrects no word; a damaged words part names itself', async () => {
    const { words, ...older } = manifest;
    const before = await SplitCodeIndex.open('old', async (name) => (name === MANIFEST_NAME ? encodeManifest(older) : all.get(name)!));
    expect(await before.correct('revrese the verison', noWord)).toBe('revrese the verison');
    expect(await before.correct('retry after retb', noWord)).toBe('retry after retba');
    for (const [bad, message] of [
      [{ letters: 'ba', hash: words!.hash }, /field "words.letters"/],
      [{ letters: 'aA', hash: words!.hash }, /field "words.letters"/],
      [{ letters: 'ab', hash: '../x' }, /field "words.hash"/],
      ['words', /"words"/],
    ] as const) {
      const edited = encodeManifest({ ...manifest, words: bad as unknown as typeof words });
      await expect(SplitCodeIndex.open('site', async (file) => (file === MANIFEST_NAME ? edited : all.get(file)!))).rejects.toThrow(message);
    }
    const name = wordsName(words!, 'r');
    const damaged = (bytes: Uint8Array) => SplitCodeIndex.open('bad', async (file) => (file === name ? bytes : all.get(file)!));
    const part = (entries: unknown) => {
      const json = new TextEncoder().encode(JSON.stringify(entries));
      return new Uint8Array([...new Uint8Array(Uint32Array.of(json.byteLength).buffer), ...json]);
    };
    for (const [bytes, message] of [
      [part([['retain', 2], ['reverse', 3]]), undefined],
      [part([['reverse', 3], ['retain', 2]]), /bad\/w\d+-[0-9a-f]{8}\.bin: word entry \["retain",2\]/],
      [part([['version', 3]]), /begins with "r"/],
      [part([['retain', 1]]), /word entry/],
      [part([['retain', 100000]]), /at most 480/],
      [part({ retain: 2 }), /must be an array/],
      [all.get(name)!.subarray(0, 10), /truncated|not valid UTF-8 JSON/],
    ] as const) {
      const index = await damaged(bytes);
      if (message === undefined) expect(await index.correct('revrese', noWord)).toBe('reverse');
      else await expect(index.correct('revrese', noWord)).rejects.toThrow(message);
      if (message !== undefined) await expect(index.correct('revrese', noWord)).rejects.toBeInstanceOf(IndexFileError);
    }
  });
});
