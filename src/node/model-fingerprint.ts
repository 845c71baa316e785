/**
 * A checkpoint folder's fingerprint (model/fingerprint.ts), each file streamed from disk through
 * SHA-256, so that even a 15 GB checkpoint is never held in memory to be fingerprinted. Digests are
 * remembered in the cache (node/cache-root.ts, `file-digests.json`) by the file's real path, size,
 * modification time and inode, as git's index remembers file states: a file changed in any of these
 * is digested again; an unchanged 1 GB checkpoint costs a `stat` per file instead of seconds.
 */
import { mkdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { combineFileDigests } from '../model/fingerprint';
import { writeFileAtomic } from './atomic-write';
import { cacheRoot } from './cache-root';
import { CHECKPOINT_FILES, unreadable } from './fs-source';
import { notRegularFile } from './regular-file';
import { CheckpointError } from '../errors';
import { checkpointFiles, fileSha256 } from './checkpoint-files';

const MEMO_FILE = 'file-digests.json';

interface Memo {
  readonly version: 1;
  readonly files: Record<string, { identity: string; digest: string }>;
}

async function streamDigest(path: string): Promise<string> {
  try {
    return await fileSha256(path);
  } catch (cause) {
    throw unreadable(path, cause);
  }
}

function readMemo(path: string): Memo {
  try {
    const memo = JSON.parse(readFileSync(path, 'utf8')) as Memo;
    if (memo.version === 1 && typeof memo.files === 'object' && memo.files !== null) return memo;
  } catch {
    // Absent or unreadable: start an empty one.
  }
  return { version: 1, files: {} };
}

export async function modelFingerprint(dir: string, root: string = cacheRoot()): Promise<string> {
  const files = checkpointFiles(dir);
  const memoPath = join(root, MEMO_FILE);
  const memo = readMemo(memoPath);
  let changed = false;
  const digests = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    let real: string;
    let stat: Stats;
    try {
      real = realpathSync(path);
      stat = statSync(real);
    } catch (cause) {
      throw unreadable(path, cause);
    }
    // A FIFO would keep the digest waiting for ever.
    if (!stat.isFile()) throw new CheckpointError(path, notRegularFile(CHECKPOINT_FILES));
    const identity = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
    const known = memo.files[real];
    if (known?.identity === identity) {
      digests.set(file, known.digest);
    } else {
      const digest = await streamDigest(real);
      memo.files[real] = { identity, digest };
      digests.set(file, digest);
      changed = true;
    }
  }
  if (changed) {
    try {
      mkdirSync(root, { recursive: true });
      await writeFileAtomic(memoPath, JSON.stringify(memo));
    } catch {
      // Only a help for the next run: a cache that cannot be written is no reason to fail this one.
    }
  }
  return combineFileDigests(digests);
}
