// `npm run pack:model`: the bundled model, C2LLM-nano (models/c2llm-nano, made by tools/train), as
// its own npm package `c2llm-nano`, so that the `c2llm` package stays small: an installed `c2llm`
// finds it beside itself (src/node/bundled-model.ts), and a web app serves its files. Its int8 layout
// (models/c2llm-nano-int8, `c2llm quantize`) rides along in int8/: about half the bytes, what a static
// site serves its visitors. Staged in dist/c2llm-nano-package/ and packed into the folder given
// (default: the current one).
//
//   node tools/pack-model.mjs [destination]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const destination = resolve(process.argv[2] ?? '.');
const model = join(root, 'models', 'c2llm-nano');
const stage = join(root, 'dist', 'c2llm-nano-package');
const files = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md'];
const int8 = join(root, 'models', 'c2llm-nano-int8');
const int8Files = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const file of files) copyFileSync(join(model, file), join(stage, file));
mkdirSync(join(stage, 'int8'));
for (const file of int8Files) copyFileSync(join(int8, file), join(stage, 'int8', file));
const manifest = {
  name: 'c2llm-nano',
  version,
  description: 'C2LLM-nano: the c2llm project\'s own small code-embedding model (C2LLM architecture, 3.9M parameters), in the Hugging Face layout',
  license: 'Apache-2.0',
  files: [...files, 'int8'],
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
mkdirSync(destination, { recursive: true });
execFileSync('npm', ['pack', '--pack-destination', destination], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
console.log(join(destination, `c2llm-nano-${version}.tgz`));
