/**
 * The folder where the CLI keeps what it can rebuild (built ONNX graphs, checkpoint fingerprints):
 * `$C2LLM_CACHE`, else `$XDG_CACHE_HOME/c2llm`, else `~/.cache/c2llm`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.C2LLM_CACHE) return env.C2LLM_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'c2llm');
}
