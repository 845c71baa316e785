/**
 * Where the project's own model, C2LLM-nano (models/c2llm-nano, trained by tools/train), lies on disk
 * in Node: two folders above this module, both in the sources (src/node) and in the built CLI
 * (dist/cli). It is the CLI's model when none is given; it needs no network.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLED_MODEL_NAME = 'C2LLM-nano';
export const BUNDLED_MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'c2llm-nano');
