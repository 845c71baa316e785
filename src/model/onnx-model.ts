/**
 * The fast CPU backend: the checkpoint built into an ONNX graph at load time (src/onnx) and run by
 * onnxruntime, one sequence per run (no padding). The onnxruntime module is injected:
 * onnxruntime-node in Node, onnxruntime-web's WASM build in the browser, loaded only when used.
 * The embedding table stays in its stored dtype outside the graph; its rows are widened per token.
 * Nothing else of the checkpoint is kept once the session is built.
 *
 * With a GraphStore (Node: node/onnx-graph-store.ts) the graph is built once per checkpoint, its
 * weights streamed into a data file beside it as they are made (never a second copy in memory), and
 * later starts hand onnxruntime the stored file. Where the store cannot save (a full or read-only
 * disk) the graph is built in memory as without one: slower and larger, never different.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { buildC2llmGraph, GRAPH_VERSION, type LinearWeights } from './onnx-graph';
import type { ExternalData } from '../onnx/graph-builder';
import type { BackendStats, EmbeddingBackend } from './backend';
import { readAllWeights, readGroup, type OpenCheckpoint, type PmaWeights } from './checkpoint';
import type { ModelConfig } from './config';
import { pmaHead, widenPmaWeights } from './reference-model';
import { rowValues } from '../tensor/tensor-values';
import type { RawTensor } from '../tensor/safetensors';
import { ropeTable } from './rope';

/** The parts of an onnxruntime module (node or web) that this backend uses. */
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array | string, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
}

/** Built graphs kept between starts, for one checkpoint; `key` names the graph's form (version, weights). */
export interface GraphStore {
  /** The path of the graph stored under `key`, or undefined. */
  find(key: string): Promise<string | undefined>;
  /** Stores the graph that `build` makes (its weights written through the sink) under `key`; returns its path. */
  save(key: string, build: (external: ExternalData) => Uint8Array): Promise<string>;
}

export interface OrtModelOptions {
  readonly maxLength: number;
  /** Intra-op threads (default: onnxruntime's choice). */
  readonly threads?: number;
  /** Shown in `description`, e.g. "onnxruntime-node". */
  readonly runtime: string;
  /** Linear-layer weights in the graph (default f32, exact). */
  readonly linearWeights?: LinearWeights;
  /** Where built graphs are kept (default: nowhere, built in memory at every load). */
  readonly graphStore?: GraphStore;
}

/**
 * The graph and what the backend keeps of the checkpoint (the embedding table, the PMA head): a stored
 * graph's path, and then only those tensors are read; else the whole checkpoint is read and its graph
 * built into the store, or (no store, or the store failing) built in memory.
 */
async function graphFor(open: OpenCheckpoint, linearWeights: LinearWeights, store: GraphStore | undefined): Promise<{ graph: Uint8Array | string; table: RawTensor; pma: PmaWeights }> {
  const key = `c2llm-graph-v${GRAPH_VERSION}-${linearWeights}`;
  const stored = await store?.find(key);
  if (stored) return { graph: stored, table: await open.weights.embedTokens(), pma: await readGroup(open.weights.pma) };
  const checkpoint = await readAllWeights(open);
  const kept = { table: checkpoint.weights.embedTokens, pma: checkpoint.weights.pma };
  if (store) {
    try {
      return { graph: await store.save(key, (external) => buildC2llmGraph(checkpoint, linearWeights, external)), ...kept };
    } catch {
      // A store that cannot save (a full or read-only disk): the graph is built in memory below.
    }
  }
  return { graph: buildC2llmGraph(checkpoint, linearWeights), ...kept };
}

/** The embedding-table rows of `ids`, widened to f32: [T, hidden]. */
export function tokenEmbeddings(config: ModelConfig, table: RawTensor, ids: Uint32Array): Float32Array {
  const h = config.hiddenSize;
  const hidden = new Float32Array(ids.length * h);
  ids.forEach((id, i) => hidden.set(rowValues(table, id), i * h));
  return hidden;
}

/**
 * The graph's inputs for one sequence (see src/model/onnx-graph.ts): the embedding rows widened to f32,
 * the RoPE cos/sin rows (each half repeated) from `rope` (ropeTable), and the additive causal mask.
 */
export function graphFeeds(config: ModelConfig, table: RawTensor, rope: Float32Array, ids: Uint32Array): Record<'hidden' | 'cos' | 'sin' | 'mask', { data: Float32Array; dims: number[] }> {
  const { hiddenSize: h, headDim: hd } = config;
  const t = ids.length;
  const hidden = tokenEmbeddings(config, table, ids);
  const cos = new Float32Array(t * hd);
  const sin = new Float32Array(t * hd);
  const half = hd / 2;
  for (let p = 0; p < t; p++) {
    for (let i = 0; i < half; i++) {
      const [c, s] = [rope[(p * half + i) * 2], rope[(p * half + i) * 2 + 1]];
      cos[p * hd + i] = cos[p * hd + half + i] = c;
      sin[p * hd + i] = sin[p * hd + half + i] = s;
    }
  }
  const mask = new Float32Array(t * t);
  for (let i = 0; i < t; i++) mask.fill(-Infinity, i * t + i + 1, (i + 1) * t);
  return { hidden: { data: hidden, dims: [t, h] }, cos: { data: cos, dims: [t, 1, hd] }, sin: { data: sin, dims: [t, 1, hd] }, mask: { data: mask, dims: [t, t] } };
}

export class OnnxModel implements EmbeddingBackend {
  readonly device = 'cpu' as const;
  readonly dim: number;
  readonly description: string;

  private constructor(
    private readonly ort: OrtModule,
    private readonly session: InferenceSession,
    private readonly config: ModelConfig,
    private readonly table: RawTensor,
    private readonly rope: Float32Array,
    private readonly emptyEmbedding: Float32Array,
    runtime: string,
  ) {
    this.dim = config.compressedDim;
    this.description = `CPU (${runtime})`;
  }

  static async create(checkpoint: OpenCheckpoint, ort: OrtModule, options: OrtModelOptions): Promise<OnnxModel> {
    const { config } = checkpoint;
    const linearWeights = options.linearWeights ?? 'f32';
    const { graph, table: storedTable, pma } = await graphFor(checkpoint, linearWeights, options.graphStore);
    const sessionOptions: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', executionMode: 'sequential' };
    if (options.threads) Object.assign(sessionOptions, { intraOpNumThreads: options.threads });
    const session = await ort.InferenceSession.create(graph, sessionOptions);
    const emptyEmbedding = pmaHead(widenPmaWeights(pma, config), config, new Float32Array(0), 0);
    const rope = ropeTable(options.maxLength, config.headDim, config.ropeTheta);
    // A view into a whole file read would keep the file alive: then a copy of the table alone.
    const view = storedTable.bytes.byteLength !== storedTable.bytes.buffer.byteLength;
    const table = view ? { ...storedTable, bytes: storedTable.bytes.slice() } : storedTable;
    return new OnnxModel(ort, session, config, table, rope, emptyEmbedding, `${options.runtime}${linearWeights === 'int8' ? ', int8 weights' : ''}`);
  }

  readonly stats: BackendStats = { passes: 0, tokens: 0, dispatches: 0, submits: 0 };

  async embed(sequences: readonly Uint32Array[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const ids of sequences) {
      out.push(ids.length ? await this.embedOne(ids) : this.emptyEmbedding.slice());
      this.stats.passes += 1;
      this.stats.tokens += ids.length;
    }
    return out;
  }

  private async embedOne(ids: Uint32Array): Promise<Float32Array> {
    const { Tensor } = this.ort;
    const feeds = Object.fromEntries(
      Object.entries(graphFeeds(this.config, this.table, this.rope, ids)).map(([name, { data, dims }]) => [name, new Tensor('float32', data, dims)]),
    );
    const result = await this.session.run(feeds);
    return Float32Array.from(result.embedding.data as Float32Array);
  }

  dispose(): void {
    void this.session.release();
  }
}
