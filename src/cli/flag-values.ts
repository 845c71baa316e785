/** A command-line flag's value read as a number, or a one-line InputError that names the flag and quotes what was typed; and the --output flag every command that writes takes. */
import { InputError } from '../errors';

/** `--output`, or `-o` as compilers, curl and wget take it. */
export const OUTPUT_OPTION = { type: 'string', short: 'o' } as const;

/** `--name`'s value as a whole number of at least 1, counted in `unit` if given (undefined where the flag was not given). */
export function positiveInt(name: string, value: string, unit?: string): number;
export function positiveInt(name: string, value: string | undefined, unit?: string): number | undefined;
export function positiveInt(name: string, value: string | undefined, unit?: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--${name} must be a positive integer${unit ? ` (${unit})` : ''}, got "${value}"`);
  return n;
}
