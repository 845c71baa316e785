/**
 * The benchmark's baseline graph: tools/export_onnx.py (PyTorch's torch.onnx.export of the model written
 * in PyTorch) on the small bf16 checkpoint, committed as fixtures/small-bf16-gqa2/torch-export.onnx,
 * run with onnxruntime-node against the float64 goldens. The bench compares this engine with exactly
 * such an export, so it must compute the same embeddings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { expect, test } from 'vitest';
import { loadCheckpoint } from '../src/model/checkpoint';
import { tokenEmbeddings } from '../src/model/onnx-model';
import { directorySource } from '../src/node/fs-source';
import { expectEmbeddingsMatch } from './helpers/compare';
import { checkpointDir, golden } from './helpers/fixtures';

test('the PyTorch ONNX export of small-bf16-gqa2 matches the float64 goldens', async () => {
  const dir = checkpointDir('small-bf16-gqa2');
  const checkpoint = await loadCheckpoint(directorySource(dir));
  const session = await ort.InferenceSession.create(readFileSync(join(dir, 'torch-export.onnx')));
  expect(session.inputNames).toEqual(['hidden']);
  expect(session.outputNames).toEqual(['embedding']);
  const { tokens, embeddings } = golden('small-bf16-gqa2');
  const nonEmpty = tokens.flatMap((ids, i) => (ids.length ? [i] : []));
  expect(nonEmpty.length).toBeGreaterThan(5);
  const vectors: Float32Array[] = [];
  for (const i of nonEmpty) {
    const hidden = tokenEmbeddings(checkpoint.config, checkpoint.weights.embedTokens, Uint32Array.from(tokens[i]));
    const { embedding } = await session.run({ hidden: new ort.Tensor('float32', hidden, [tokens[i].length, checkpoint.config.hiddenSize]) });
    vectors.push(embedding.data as Float32Array);
  }
  expectEmbeddingsMatch(vectors, nonEmpty.map((i) => embeddings[i]), 'torch.onnx.export on onnxruntime-node');
  await session.release();
});
