/**
 * Errors that keep their class across the worker boundary. Comlink's default throw handler sends
 * only message, name and stack and rebuilds a plain Error; this one sends the cause chain and the
 * error's own fields too, and rebuilds the engine's Error subclass by name so callers can use
 * `instanceof` and switch on `name`.
 */
import * as Comlink from 'comlink';
import * as errors from '../errors';

type ErrorClass = new (...args: string[]) => Error;

/**
 * Every error class of errors.ts by the name its instances carry, derived from the module's exports so
 * that none is forgotten (a parent's name stays with the parent: FileError carries C2llmError's).
 */
export const ERROR_CLASSES: ReadonlyMap<string, ErrorClass> = (() => {
  const classes = new Map<string, ErrorClass>();
  for (const value of Object.values(errors)) {
    if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
    const name = new (value as ErrorClass)('', '').name;
    if (!classes.has(name)) classes.set(name, value as ErrorClass);
  }
  return classes;
})();

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: unknown;
  readonly fields: Record<string, unknown>;
}

const MAX_CAUSE_DEPTH = 8;

export function serializeError(error: unknown, depth = 0): SerializedError | { readonly value: unknown } {
  if (!(error instanceof Error)) return { value: error };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'cause' && ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  const cause = error.cause !== undefined && depth < MAX_CAUSE_DEPTH ? serializeError(error.cause, depth + 1) : undefined;
  return { name: error.name, message: error.message, stack: error.stack, cause, fields };
}

export function deserializeError(serialized: SerializedError | { readonly value: unknown }): unknown {
  if ('value' in serialized) return serialized.value;
  const prototype = ERROR_CLASSES.get(serialized.name)?.prototype ?? Error.prototype;
  const error: Error = Object.create(prototype);
  Object.defineProperties(error, {
    message: { value: serialized.message, writable: true, configurable: true },
    stack: { value: serialized.stack, writable: true, configurable: true },
  });
  Object.assign(error, serialized.fields, { name: serialized.name });
  if (serialized.cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: deserializeError(serialized.cause as SerializedError), writable: true, configurable: true });
  }
  return error;
}

/** Replaces Comlink's handler for thrown values; call on both sides of the boundary. */
export function installErrorTransfer(): void {
  const base = Comlink.transferHandlers.get('throw');
  if (!base) throw new Error('comlink has no "throw" transfer handler to replace');
  Comlink.transferHandlers.set('throw', {
    canHandle: base.canHandle,
    serialize: (thrown) => [serializeError((thrown as { value: unknown }).value), []],
    deserialize: (serialized) => {
      throw deserializeError(serialized as SerializedError);
    },
  });
}
