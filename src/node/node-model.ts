/**
 * What a model needs in Node, decided in one place for the CLI and the package: a checkpoint folder's
 * files (undefined for a model that is not a folder: the caller downloads it), WebGPU from Dawn where
 * it loads, and onnxruntime-node for the cpu device (with the folder's graph store).
 */
import type { OrtLoader } from '../embedder';
import type { CheckpointSource } from '../model/source';
import { createNodeGpu } from './dawn';
import { directorySource } from './fs-source';
import { onnxRuntimeNode } from './onnxruntime';

export interface NodeModelParts {
  readonly source?: CheckpointSource;
  readonly gpu: () => Promise<GPU | undefined>;
  readonly ort: OrtLoader;
}

export function nodeModelParts(folder: string | undefined): NodeModelParts {
  return { source: folder === undefined ? undefined : directorySource(folder), gpu: createNodeGpu, ort: onnxRuntimeNode(folder) };
}
