/**
 * Where a checkpoint's tensors are and how they are read: a single model.safetensors, or an index
 * (model.safetensors.index.json) and the shards it names, read one at a time as their tensors are asked
 * for (ShardReader), so that a sharded checkpoint never sits in memory whole. Where the source reads
 * ranges (Node), a single file is read tensor by tensor instead (RangeReader): its header first, then
 * each tensor's bytes when it is taken, so that tensors nobody asks for are never read.
 */
import { CheckpointError } from '../errors';
import { headerLength, parseSafetensors, parseSafetensorsHeader, type RawTensor, type TensorLayout } from '../tensor/safetensors';
import { readJson, type CheckpointSource, type FileRanges } from './source';

export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_FILE = 'model.safetensors';

/**
 * The shard names of an index's weight_map, each checked to be a plain file name in the checkpoint's own
 * folder (letters, digits, '_', '-', '.', '+'; not starting with '.'): nothing a path or a URL reads as
 * more (`../`, `/`, `\\`, `?`, `#`, `%`). Checked before any shard is read or downloaded.
 */
export function shardNames(weightMap: unknown): string[] {
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap) || Object.values(weightMap).some((f) => typeof f !== 'string')) {
    throw new CheckpointError(INDEX_FILE, 'field "weight_map" must map tensor names to file names');
  }
  const files = [...new Set(Object.values(weightMap as Record<string, string>))];
  const bad = files.find((f) => !/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,254}$/.test(f));
  if (bad !== undefined) throw new CheckpointError(INDEX_FILE, `shard name ${JSON.stringify(bad)} in "weight_map" must be a plain file name`);
  return files;
}

/**
 * The checkpoint's safetensors files, read one at a time as their tensors are asked for. Each tensor
 * is handed over once (`take`) and forgotten here, and unused tensors are never kept, so a file's bytes
 * can be collected once its tensors have been taken and dropped. While a file's tensors are being
 * taken, the next file (in index order) is read ahead, and no further: at most two files are held.
 */
/** What the checkpoint planner needs of a reader: every tensor's file, which ones it wants, and each once. */
export interface TensorReader {
  /** Tensor name -> file; every name the checkpoint has. */
  readonly fileOf: ReadonlyMap<string, string>;
  /** Declares the tensors the model will take. */
  want(names: Iterable<string>): void;
  /** The tensor, handed over once. */
  take(name: string): Promise<RawTensor>;
}

/** A single safetensors file read through ranges: nothing but the header and the tensors taken is read. */
export class RangeReader implements TensorReader {
  readonly fileOf: ReadonlyMap<string, string>;
  private readonly untaken = new Set<string>();

  private constructor(
    private readonly ranges: FileRanges,
    private readonly file: string,
    private readonly dataStart: number,
    private readonly layout: ReadonlyMap<string, TensorLayout>,
  ) {
    this.fileOf = new Map([...layout.keys()].map((name) => [name, file]));
  }

  static async open(ranges: FileRanges, file: string): Promise<RangeReader> {
    const size = await ranges.size(file);
    const length = headerLength(file, await ranges.read(file, 0, Math.min(8, size)), size);
    const { dataStart, tensors } = parseSafetensorsHeader(file, await ranges.read(file, 8, 8 + length), size);
    return new RangeReader(ranges, file, dataStart, tensors);
  }

  want(names: Iterable<string>): void {
    for (const name of names) this.untaken.add(name);
  }

  async take(name: string): Promise<RawTensor> {
    if (!this.untaken.delete(name)) throw new CheckpointError(this.file, `tensor "${name}" was already taken`);
    const t = this.layout.get(name)!;
    const bytes = await this.ranges.read(this.file, this.dataStart + t.begin, this.dataStart + t.end);
    return { name, dtype: t.dtype, shape: t.shape, bytes, file: this.file };
  }
}

export class ShardReader implements TensorReader {
  private readonly ready = new Map<string, RawTensor>();
  private readonly reads = new Map<string, Promise<void>>();
  /** Per file, the wanted tensors not taken yet. */
  private readonly untaken = new Map<string, Set<string>>();

  /** A file read before the wanted tensors were known (a single-file checkpoint's names come from it). */
  private preread?: { file: string; tensors: Map<string, RawTensor> };

  constructor(
    private readonly source: CheckpointSource,
    /** Tensor name -> file; every name the checkpoint has (the index's weight_map when sharded). */
    readonly fileOf: ReadonlyMap<string, string>,
    private readonly files: readonly string[],
    preread?: { file: string; tensors: Map<string, RawTensor> },
  ) {
    if (preread) this.reads.set(preread.file, Promise.resolve());
    this.preread = preread;
  }

  /** Declares the tensors the model will take; the others are dropped as their files are read. */
  want(names: Iterable<string>): void {
    for (const name of names) {
      const file = this.fileOf.get(name)!;
      if (!this.untaken.has(file)) this.untaken.set(file, new Set());
      this.untaken.get(file)!.add(name);
    }
    if (this.preread) {
      this.keep(this.preread.tensors);
      this.preread = undefined;
    }
  }

  async take(name: string): Promise<RawTensor> {
    const file = this.fileOf.get(name)!;
    await this.read(file);
    const tensor = this.ready.get(name);
    if (!tensor) throw new CheckpointError(file, `tensor "${name}" was already taken`);
    this.ready.delete(name);
    const left = this.untaken.get(file)!;
    left.delete(name);
    if (left.size === 0) this.readAhead();
    return tensor;
  }

  private keep(tensors: Map<string, RawTensor>): void {
    for (const [name, tensor] of tensors) if (this.untaken.get(tensor.file)?.has(name)) this.ready.set(name, tensor);
  }

  private read(file: string): Promise<void> {
    let read = this.reads.get(file);
    if (!read) {
      read = this.source.readBytes(file).then((bytes) => {
        const tensors = parseSafetensors(file, bytes);
        for (const name of tensors.keys()) {
          if (this.fileOf.get(name) !== file) throw new CheckpointError(file, `tensor "${name}" is not listed for this file in ${INDEX_FILE}`);
        }
        for (const [name, listed] of this.fileOf) {
          if (listed === file && !tensors.has(name)) throw new CheckpointError(file, `tensor "${name}" is listed in ${INDEX_FILE} but not in the file`);
        }
        this.keep(tensors);
        this.readAhead();
      });
      read.catch(() => undefined); // a read ahead that fails is reported to whoever takes from it
      this.reads.set(file, read);
    }
    return read;
  }

  /** Starts reading the next unread file if fewer than two files hold untaken tensors. */
  private readAhead(): void {
    const held = this.files.filter((f) => this.reads.has(f) && (this.untaken.get(f)?.size ?? 0) > 0).length;
    const next = this.files.find((f) => !this.reads.has(f) && (this.untaken.get(f)?.size ?? 0) > 0);
    if (next && held < 2) void this.read(next);
  }
}

/**
 * The checkpoint's weights: the single file when there is one (asked first, so that loading the common
 * layout asks for no file that is not there), else the shard index and its shards.
 */
export async function openShards(source: CheckpointSource): Promise<{ reader: TensorReader; listing: string }> {
  const sharded = !(await source.has(SINGLE_FILE)) && (await source.has(INDEX_FILE));
  if (!sharded && source.ranges) return { reader: await RangeReader.open(source.ranges, SINGLE_FILE), listing: SINGLE_FILE };
  if (!sharded) {
    const tensors = parseSafetensors(SINGLE_FILE, await source.readBytes(SINGLE_FILE));
    const fileOf = new Map([...tensors.keys()].map((name) => [name, SINGLE_FILE]));
    return { reader: new ShardReader(source, fileOf, [SINGLE_FILE], { file: SINGLE_FILE, tensors }), listing: SINGLE_FILE };
  }
  const index = (await readJson(source, INDEX_FILE)) as { weight_map?: unknown };
  const files = shardNames(index?.weight_map);
  const weightMap = index.weight_map as Record<string, string>;
  return { reader: new ShardReader(source, new Map(Object.entries(weightMap)), files), listing: INDEX_FILE };
}
