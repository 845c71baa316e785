/**
 * Loading progress, in events a UI can draw a bar from. `phase` says what is happening and `fraction`
 * (0 to 1) how far that phase is: `download`, bytes of all the model's files (each file's event also
 * names it; a file's last event has loaded === total); `upload`, the weight groups (a layer, the head)
 * on the GPU; `compile`, the kernels or the CPU graph (0, then 1); `ready`, once, at the end.
 */
export interface DownloadProgress {
  readonly phase: 'download';
  readonly fraction: number;
  readonly file: string;
  readonly loaded: number;
  readonly total: number | undefined;
  readonly fromCache: boolean;
  /** Bytes of every file so far, and the sum of the sizes known so far (all of them before the first byte where the server says them). */
  readonly overallLoaded: number;
  readonly overallTotal: number;
}

export interface StageProgress {
  readonly phase: 'upload' | 'compile' | 'ready';
  readonly fraction: number;
  /** Steps done and in all (upload: weight groups). */
  readonly done: number;
  readonly total: number;
}

export type LoadProgress = DownloadProgress | StageProgress;

export type StageCallback = (progress: StageProgress) => void;
