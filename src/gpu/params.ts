/**
 * Uniform parameters. The layout comes from the shader itself: the `struct Params { ... }` in a
 * kernel's WGSL lists scalar fields (u32, i32, f32) in order, 4 bytes each, and `packParams` fills
 * them by name from an object, so TypeScript never mirrors an offset or bit-casts a float by hand.
 */
export interface ParamField {
  readonly name: string;
  readonly type: 'u32' | 'i32' | 'f32';
}

export function parseParamsStruct(kernelName: string, source: string): ParamField[] {
  const match = /struct\s+Params\s*\{([^}]*)\}/.exec(source);
  if (!match) throw new Error(`kernel ${kernelName}: its WGSL has no "struct Params"`);
  return match[1]
    .split(',')
    .map((f) => f.replace(/\/\/.*$/gm, '').trim())
    .filter(Boolean)
    .map((field) => {
      const [name, type] = field.split(':').map((s) => s.trim());
      if (type !== 'u32' && type !== 'i32' && type !== 'f32') {
        throw new Error(`kernel ${kernelName}: Params field "${name}" has type ${type}; only u32, i32 and f32 are supported`);
      }
      return { name, type };
    });
}

/**
 * The storage bindings a kernel declares (`@group(0) @binding(N) var<storage, ...> name: ...`, in the
 * kernel's own WGSL or a helper concatenated in front of it), by name. The uniform `params` is
 * binding 0 and is bound by the recorder itself.
 */
export function parseStorageBindings(kernelName: string, source: string): Readonly<Record<string, number>> {
  const bindings: Record<string, number> = {};
  for (const [, index, name] of source.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var<storage[^>]*>\s*(\w+)\s*:/g)) {
    if (name in bindings) throw new Error(`kernel ${kernelName}: binding "${name}" is declared twice`);
    bindings[name] = Number(index);
  }
  return bindings;
}

/** The one storage binding a kernel writes (`var<storage, read_write>`): its output, which debug mode copies out. */
export function parseOutputBinding(kernelName: string, source: string): string {
  const names = [...source.matchAll(/@group\(0\)\s*@binding\(\d+\)\s*var<storage,\s*read_write>\s*(\w+)\s*:/g)].map((m) => m[1]);
  if (names.length !== 1) throw new Error(`kernel ${kernelName}: its WGSL declares ${names.length} read_write storage bindings (${names.join(', ')}); a kernel writes exactly one`);
  return names[0];
}

/** Byte size of a Params struct: 4 bytes a field, rounded up to 16 as uniform buffers require. */
export function paramsByteSize(fields: readonly ParamField[]): number {
  return Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
}

export function packParams(kernelName: string, fields: readonly ParamField[], values: Record<string, number>, into: DataView, offset: number): void {
  const given = new Set(Object.keys(values));
  fields.forEach((field, i) => {
    const value = values[field.name];
    if (value === undefined || !Number.isFinite(value)) throw new Error(`kernel ${kernelName}: Params field "${field.name}" is ${value}`);
    given.delete(field.name);
    if (field.type === 'f32') into.setFloat32(offset + i * 4, value, true);
    else if (field.type === 'i32') into.setInt32(offset + i * 4, value, true);
    else into.setUint32(offset + i * 4, value, true);
  });
  if (given.size) throw new Error(`kernel ${kernelName}: Params has no field(s) ${[...given].join(', ')}`);
}
