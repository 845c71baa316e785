/**
 * A small ONNX graph builder: nodes, initializers, typed inputs and outputs, serialised to an ONNX
 * ModelProto (opset 17) with ProtoWriter. Field numbers are those of onnx.proto.
 *
 * With an ExternalData sink, every initializer of EXTERNAL_MIN_BYTES or more is handed to the sink as
 * it is added (and can be dropped by the caller at once) and the graph only names its place in the
 * data file (ONNX external data: location, offset, length), so that a large model is never held twice.
 */
import { ProtoWriter } from './protobuf';

export type ElementType = 'float32' | 'int64' | 'int8';
const ELEMENT_TYPE: Record<ElementType, number> = { float32: 1, int64: 7, int8: 3 };
export const OPSET = 17;

export type AttributeValue = number | number[] | string | { float: number };

export interface TensorValue {
  readonly type: ElementType;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array | Int8Array;
}

/** Where large tensors go: `write` stores the bytes at the end of the file named `location`, returning their offset. */
export interface ExternalData {
  readonly location: string;
  write(bytes: Uint8Array): number;
}

export const EXTERNAL_MIN_BYTES = 1024;

export class GraphBuilder {
  private readonly nodes: ProtoWriter[] = [];
  private readonly initializers: ProtoWriter[] = [];
  private readonly inputs: ProtoWriter[] = [];
  private readonly outputs: ProtoWriter[] = [];
  private counter = 0;

  constructor(private readonly external?: ExternalData) {}

  /** Adds a node; returns its output names (`outputs` of them, named after `name`). */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputs = 1): string[] {
    const id = `${opType.toLowerCase()}_${this.counter++}`;
    const names = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? id : `${id}_${i}`));
    const node = new ProtoWriter();
    for (const input of inputs) node.string(1, input);
    for (const output of names) node.string(2, output);
    node.string(3, id).string(4, opType);
    for (const [name, value] of Object.entries(attributes)) node.message(5, attribute(name, value));
    this.nodes.push(node);
    return names;
  }

  /** One-output shorthand for `op`. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.op(opType, inputs, attributes, 1)[0];
  }

  initializer(name: string, value: TensorValue): string {
    const bytes = new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
    const proto = new ProtoWriter().packedInts(1, value.dims).int(2, ELEMENT_TYPE[value.type]).string(8, name);
    if (this.external && bytes.byteLength >= EXTERNAL_MIN_BYTES) {
      const offset = this.external.write(bytes);
      const entry = (key: string, v: string) => new ProtoWriter().string(1, key).string(2, v);
      proto.message(13, entry('location', this.external.location)).message(13, entry('offset', String(offset))).message(13, entry('length', String(bytes.byteLength)));
      this.initializers.push(proto.int(14, 1));
    } else {
      this.initializers.push(proto.bytes(9, bytes));
    }
    return name;
  }

  floats(name: string, dims: readonly number[], data: Float32Array): string {
    return this.initializer(name, { type: 'float32', dims, data });
  }

  int8s(name: string, dims: readonly number[], data: Int8Array): string {
    return this.initializer(name, { type: 'int8', dims, data });
  }

  ints(name: string, values: readonly number[]): string {
    return this.initializer(name, { type: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
  }

  input(name: string, type: ElementType, dims: ReadonlyArray<number | string>): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElementType, dims: ReadonlyArray<number | string>, from: string): void {
    this.nodes.push(new ProtoWriter().string(1, from).string(2, name).string(3, `output_${name}`).string(4, 'Identity'));
    this.outputs.push(valueInfo(name, type, dims));
  }

  serialize(name: string): Uint8Array {
    const graph = new ProtoWriter();
    for (const node of this.nodes) graph.message(1, node);
    graph.string(2, name);
    for (const init of this.initializers) graph.message(5, init);
    for (const input of this.inputs) graph.message(11, input);
    for (const output of this.outputs) graph.message(12, output);
    const model = new ProtoWriter()
      .int(1, 8)
      .string(2, 'c2llm')
      .message(7, graph)
      .message(8, new ProtoWriter().string(1, '').int(2, OPSET));
    return model.finish();
  }
}

function attribute(name: string, value: AttributeValue): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return a.bytes(4, new TextEncoder().encode(value)).int(20, 3);
  if (Array.isArray(value)) return a.packedInts(8, value).int(20, 7);
  if (typeof value === 'object') return a.float(2, value.float).int(20, 1);
  return a.int(3, value).int(20, 2);
}

function valueInfo(name: string, type: ElementType, dims: ReadonlyArray<number | string>): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, ELEMENT_TYPE[type]).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}
