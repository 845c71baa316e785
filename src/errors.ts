/**
 * Every failure the engine reports is one of these, with `name` written out on each class (a
 * minifier renames classes, so `constructor.name` would not survive a production build) so that it
 * survives structured cloning across a worker boundary and can be switched on by callers.
 */
export class C2llmError extends Error {
  override name: string = 'C2llmError';
}

/** A failure in one file: the message is "<file>: <detail>". */
export abstract class FileError extends C2llmError {
  constructor(
    readonly file: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${detail}`, options);
  }
}

/** A checkpoint file that is missing, malformed, or contradicts the config. Names the file and the tensor or field. */
export class CheckpointError extends FileError {
  override name = 'CheckpointError';
}

/** Input texts or options the engine cannot accept. */
export class InputError extends C2llmError {
  override name = 'InputError';
}

/** No WebGPU adapter, or an adapter that lacks a limit the model needs. */
export class NoWebGpuError extends C2llmError {
  override name = 'NoWebGpuError';
}

/** The GPU device was lost while the engine was using it. */
export class GpuDeviceLostError extends C2llmError {
  override name = 'GpuDeviceLostError';
}

/** The GPU rejected an allocation or a command (validation or out-of-memory error scope). */
export class GpuError extends C2llmError {
  override name = 'GpuError';
}

/** A model repository or file that does not exist (HTTP 404), or is not accessible. */
export class ModelNotFoundError extends C2llmError {
  override name = 'ModelNotFoundError';
}

/** An optional package that the chosen device needs (onnxruntime-node for `cpu` in Node) is not installed. */
export class MissingPackageError extends C2llmError {
  override name = 'MissingPackageError';
}

/** A download that failed after its retries, or was cut short; also "offline with nothing cached". */
export class DownloadError extends C2llmError {
  override name = 'DownloadError';
}

/** A search index file that is missing, malformed or made for another model. Names the file and the field. */
export class IndexFileError extends FileError {
  override name = 'IndexFileError';
}

/** Work cancelled through an AbortSignal. */
export class AbortError extends C2llmError {
  override name = 'AbortError';
}
