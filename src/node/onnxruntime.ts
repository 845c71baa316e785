/**
 * onnxruntime for the `cpu` device in Node: the optional package onnxruntime-node, imported only when
 * the cpu device is chosen (a missing package is a one-line error naming it), with the graph store
 * (onnx-graph-store.ts) when the checkpoint is a folder whose fingerprint names its graphs.
 */
import type { OrtLoader } from '../embedder';
import { MissingPackageError } from '../errors';
import type { OrtModule } from '../model/onnx-model';
import { modelFingerprint } from './model-fingerprint';
import { nodeGraphStore } from './onnx-graph-store';

export function onnxRuntimeNode(checkpointDir?: string): OrtLoader {
  return async () => {
    let module: OrtModule;
    try {
      module = (await import('onnxruntime-node')) as unknown as OrtModule;
    } catch (cause) {
      throw new MissingPackageError('the cpu device needs the package onnxruntime-node, which is not installed (npm install onnxruntime-node)', { cause });
    }
    const graphStore = checkpointDir === undefined ? undefined : nodeGraphStore(await modelFingerprint(checkpointDir));
    return { module, runtime: 'onnxruntime-node', graphStore };
  };
}
