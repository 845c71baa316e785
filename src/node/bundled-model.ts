/**
 * Where the project's own model, C2LLM-nano (trained by tools/train), lies on disk in Node: the
 * package `c2llm-nano` when it is installed (an installed `c2llm` finds it beside itself), else
 * models/c2llm-nano of a checkout of this repository (two folders above this module, both in the
 * sources, src/node, and in the built files, dist/*). It is the model when none is given; it needs no
 * network. Undefined when neither exists.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLED_MODEL_NAME = 'C2LLM-nano';
export const BUNDLED_MODEL_PACKAGE = 'c2llm-nano';

function findBundledModel(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${BUNDLED_MODEL_PACKAGE}/config.json`));
  } catch {
    const checkout = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'c2llm-nano');
    return existsSync(join(checkout, 'config.json')) ? checkout : undefined;
  }
}

export const BUNDLED_MODEL_DIR = findBundledModel();
