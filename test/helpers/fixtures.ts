/** The committed test checkpoints and their float64 goldens (written by tools/make_fixtures.py), and folders of code written for a test. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
export const CHECKPOINTS = ['tiny-f32-gqa1', 'small-bf16-gqa2', 'gqa7-f16', 'qwen-vocab-bf16'] as const;
export type CheckpointName = (typeof CHECKPOINTS)[number];

export interface Golden {
  readonly maxLength: number;
  readonly tokens: number[][];
  readonly embeddings: number[][];
}

export const TEXTS: string[] = JSON.parse(readFileSync(join(FIXTURES, 'texts.json'), 'utf8'));

export function checkpointDir(name: CheckpointName): string {
  return join(FIXTURES, name);
}

export function golden(name: CheckpointName): Golden {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'golden.json'), 'utf8'));
}

/** A writable copy of a checkpoint, for tests that damage it. */
export function copyCheckpoint(name: CheckpointName): string {
  const dir = mkdtempSync(join(tmpdir(), `c2llm-${name}-`));
  cpSync(checkpointDir(name), dir, { recursive: true });
  return dir;
}

/** `files` (path under the folder: text) written under `dir`, their folders made; returns `dir`. */
export function writeFolder(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
