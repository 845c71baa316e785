/**
 * The cpu device's built ONNX graphs kept on disk (model/onnx-model.ts's GraphStore), one folder per
 * checkpoint fingerprint and graph form: `<root>/onnx/<fingerprint>-<key>/` holding `model.onnx` and
 * its weights in `model.onnx.data` (ONNX external data). A folder is built under a temporary name,
 * every write length-checked and synced, and renamed into place only when whole, so a killed or
 * disk-full build leaves nothing that a later start would use. The root is node/cache-root.ts's.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphStore } from '../model/onnx-model';
import { writeAllSync } from './atomic-write';
import { cacheRoot } from './cache-root';

const GRAPH_FILE = 'model.onnx';
const DATA_FILE = 'model.onnx.data';
/** Tensor offsets in the data file are page-aligned, as onnxruntime's memory-mapping of external data wants. */
const ALIGNMENT = 4096;

export interface GraphStoreOptions {
  readonly root?: string;
  /** Test hook: the write call (to simulate a full disk). */
  readonly write?: typeof writeSync;
}

/** The store for the checkpoint whose fingerprint (node/model-fingerprint.ts) is `fingerprint`. */
export function nodeGraphStore(fingerprint: string, options: GraphStoreOptions = {}): GraphStore {
  const folder = join(options.root ?? cacheRoot(), 'onnx');
  const write = options.write ?? writeSync;
  const id = fingerprint.replace(/^sha256:/, '');
  const finalDir = (key: string) => join(folder, `${id}-${key}`);
  return {
    async find(key) {
      const path = join(finalDir(key), GRAPH_FILE);
      return existsSync(path) ? path : undefined;
    },
    async save(key, build) {
      mkdirSync(folder, { recursive: true });
      const temporary = mkdtempSync(join(folder, `.${id}-${key}-`));
      try {
        const data = openSync(join(temporary, DATA_FILE), 'w');
        let length = 0;
        let graph: Uint8Array;
        try {
          graph = build({
            location: DATA_FILE,
            write(bytes) {
              const offset = Math.ceil(length / ALIGNMENT) * ALIGNMENT;
              writeAllSync(data, new Uint8Array(offset - length), write);
              writeAllSync(data, bytes, write);
              length = offset + bytes.byteLength;
              return offset;
            },
          });
          fsyncSync(data);
        } finally {
          closeSync(data);
        }
        const graphFile = openSync(join(temporary, GRAPH_FILE), 'w');
        try {
          writeAllSync(graphFile, graph, write);
          fsyncSync(graphFile);
        } finally {
          closeSync(graphFile);
        }
        if (existsSync(finalDir(key))) rmSync(temporary, { recursive: true, force: true });
        else renameSync(temporary, finalDir(key));
        return join(finalDir(key), GRAPH_FILE);
      } catch (error) {
        rmSync(temporary, { recursive: true, force: true });
        throw error;
      }
    },
  };
}
