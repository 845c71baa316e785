/**
 * `npm run bench:index`: what `c2llm index` costs on top of embedding. A real corpus (this project's
 * src/ and Vite's dist/, copied to a temporary folder) is indexed by the CLI's own command, and the very
 * same chunk texts are embedded raw by the engine, both with the bundled model on the same device,
 * model loading included in both; alternated --runs times, medians. Prints tokens/s of each and the
 * pipeline's overhead (walk, read, filter, chunk, hash, quantize, BM25, write).
 *
 *   npm run bench:index -- [--device cpu] [--runs 3]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { indexCommand } from '../src/cli/index-command';
import { loadEmbedder, modelChoice } from '../src/cli/load-model';
import { chunkFile, DEFAULT_CHUNK_OPTIONS } from '../src/search/chunker';
import { decodeIndex } from '../src/search/index-file';
import { applyPrompt } from '../src/text/prompts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { device: { type: 'string', default: 'cpu' }, runs: { type: 'string', default: '3' } } });
  const corpus = mkdtempSync(join(tmpdir(), 'c2llm-index-bench-'));
  cpSync('src', join(corpus, 'src'), { recursive: true });
  cpSync('node_modules/vite/dist', join(corpus, 'vite'), { recursive: true });
  const output = join(corpus, '..', `${corpus.split('/').pop()}.c2idx`);
  const quiet = () => undefined;

  // The chunk texts the index holds, to embed raw.
  await indexCommand([corpus, '--output', output, '--device', values.device], quiet);
  const data = decodeIndex(output, new Uint8Array(readFileSync(output)));
  const texts = data.chunks.map((c) => {
    const file = data.files[c.file];
    const chunks = chunkFile(file.path, readFileSync(join(corpus, file.path), 'utf8'), DEFAULT_CHUNK_OPTIONS);
    const chunk = chunks.find((k) => k.startLine === c.startLine && k.endLine === c.endLine)!;
    return applyPrompt(chunk.text, { kind: 'document' });
  });

  const pipeline: number[] = [];
  const raw: number[] = [];
  let tokens = 0;
  for (let run = 0; run < Number(values.runs); run++) {
    let started = performance.now();
    await indexCommand([corpus, '--output', output, '--device', values.device], quiet);
    pipeline.push((performance.now() - started) / 1000);
    started = performance.now();
    const embedder = await loadEmbedder(await modelChoice({ device: values.device }), quiet);
    tokens = (await embedder.embedCounting(texts)).tokens;
    embedder.dispose();
    raw.push((performance.now() - started) / 1000);
  }
  const [p, r] = [median(pipeline), median(raw)];
  console.log(`corpus: ${data.files.length} files, ${data.chunks.length} chunks, ${tokens} tokens (src/ and vite/dist); device ${values.device}; medians of ${values.runs}`);
  console.log(`c2llm index: ${p.toFixed(2)} s, ${(tokens / p).toFixed(0)} tokens/s (runs ${pipeline.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`raw embedding of the same chunks: ${r.toFixed(2)} s, ${(tokens / r).toFixed(0)} tokens/s (runs ${raw.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`pipeline overhead: ${(((p - r) / r) * 100).toFixed(1)}%`);
  rmSync(corpus, { recursive: true, force: true });
  rmSync(output, { force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
