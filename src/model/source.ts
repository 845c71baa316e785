/**
 * Where checkpoint files come from: a directory in Node, a base URL or picked files in the browser.
 * The model code sees only this interface, so it is the same everywhere.
 */
import { CheckpointError } from '../errors';

export interface CheckpointSource {
  /** Shown in messages: a directory path or URL. */
  readonly label: string;
  /** Whether the file exists (used to choose between single and sharded safetensors). */
  has(file: string): Promise<boolean>;
  /** The whole file; throws CheckpointError naming the file when it is missing or unreadable. */
  readBytes(file: string): Promise<Uint8Array>;
  /**
   * Optional (Node's directory source): a file's size and a range of its bytes (in a buffer of their
   * own), so that a single-file checkpoint is read tensor by tensor, never whole (shard-reader.ts).
   */
  readonly ranges?: FileRanges;
}

export interface FileRanges {
  size(file: string): Promise<number>;
  read(file: string, start: number, end: number): Promise<Uint8Array>;
}

export async function readJson(source: CheckpointSource, file: string): Promise<unknown> {
  const bytes = await source.readBytes(file);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new CheckpointError(file, `is not valid JSON (${(cause as Error).message})`, { cause });
  }
}
