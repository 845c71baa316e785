/**
 * `import { createEmbedder } from 'c2llm'` in a browser: the engine in a module Web Worker
 * (worker/client.ts), and the named exports both builds share.
 */
export * from '../worker/client';
export * from './shared';
