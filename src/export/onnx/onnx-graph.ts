/**
 * A small builder of ONNX graphs on the `onnx-proto` package (the ONNX schema compiled for
 * protobufjs): nodes, initializers and the graph's inputs and outputs, encoded into ModelProto
 * bytes by protobufjs. Nothing here knows sobolnet's layers; the exporter (encode-onnx.ts) and the
 * benches' one-node models (bench/lib/onnx-matmul.ts) both build on it.
 *
 * Versions: IR version 7 and opset 13 of the default domain (ONNX 1.8, late 2020): every op the
 * exporter uses has the form used here there, and an old opset keeps the files loadable by any
 * onnxruntime since 1.6 as well as by engines that stop at older opsets.
 *
 * Initializers are written as raw little-endian bytes through a DataView, whatever the host's byte
 * order; float arrays (float32 or float64 models) are stored as float32.
 *
 * Shape legend: N elements.
 */
import onnxProto from 'onnx-proto';
import { check } from '../../core/errors.js';

const { onnx } = onnxProto;

/** ONNX IR version 7 (ONNX 1.8 and later read it). */
export const ONNX_IR_VERSION = 7;
/** Opset of the default ONNX domain. */
export const ONNX_OPSET = 13;

/** TensorProto.DataType numbers of the element types used here. */
export const ONNX_TYPES = { float: 1, uint16: 4, int32: 6, int64: 7 } as const;
export type OnnxElementType = keyof typeof ONNX_TYPES;

/** A dimension of a graph input or output: a size, or the name of a symbolic dimension ('batch'). */
export type OnnxDim = number | string;

/** An attribute value, tagged with its ONNX type (an integer and a float cannot be told apart from a JS number). */
export type OnnxAttribute =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number };

/** Attribute type numbers of AttributeProto.AttributeType. */
const ATTRIBUTE_TYPES = { float: 1, int: 2, ints: 7 } as const;

/** A graph input or output: name, element type and dimensions. */
export interface OnnxValue {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly dims: readonly OnnxDim[];
}

/** What a model file says about itself besides its graph. */
export interface OnnxModelInfo {
  readonly producer: string;
  readonly docString?: string;
  /** Free key-value pairs (ModelProto.metadata_props). */
  readonly metadata?: Readonly<Record<string, string>>;
}

const BYTES = { float: 4, uint16: 2, int32: 4, int64: 8 } as const satisfies Record<OnnxElementType, number>;

/** values[N] as N little-endian elements of `type` (floats rounded to float32). */
function rawBytes(elementType: OnnxElementType, values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * BYTES[elementType]);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    switch (elementType) {
      case 'float': view.setFloat32(4 * i, v, true); break;
      case 'uint16': view.setUint16(2 * i, v, true); break;
      case 'int32': view.setInt32(4 * i, v, true); break;
      case 'int64': view.setBigInt64(8 * i, BigInt(v), true); break;
      default: elementType satisfies never;
    }
  }
  return out;
}

/** The dimensions of a value: fixed sizes as dim_value, symbolic ones as dim_param. */
function valueInfo(value: OnnxValue): onnxProto.onnx.IValueInfoProto {
  const dim = value.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: value.name, type: { tensorType: { elemType: ONNX_TYPES[value.type], shape: { dim } } } };
}

function attribute(name: string, value: OnnxAttribute): onnxProto.onnx.IAttributeProto {
  if ('int' in value) return { name, type: ATTRIBUTE_TYPES.int, i: value.int };
  if ('ints' in value) return { name, type: ATTRIBUTE_TYPES.ints, ints: [...value.ints] };
  return { name, type: ATTRIBUTE_TYPES.float, f: value.float };
}

export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  /** int64 constants by their values, so that a shape or an axis list used twice is stored once. */
  private readonly constants = new Map<string, string>();
  private initializerBytes = 0;

  constructor(readonly name: string) {}

  /** A value name not used yet: `hint`, or `hint_2`, `hint_3`, ... */
  fresh(hint: string): string {
    let name = hint;
    for (let i = 2; this.names.has(name); i++) name = `${hint}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Reserves `name` exactly (a graph input); throws if taken. */
  reserve(name: string): string {
    check(!this.names.has(name), () => `ONNX graph ${this.name}: the value name ${name} is taken`);
    this.names.add(name);
    return name;
  }

  /** Appends a node of `opType` on `inputs` ('' for an absent optional input); returns its (one) output's name. */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttribute>> = {}, hint = opType.toLowerCase()): string {
    const output = this.fresh(hint);
    this.nodes.push({
      opType, name: output, input: [...inputs], output: [output],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return output;
  }

  /** A constant tensor of `type` with `dims` (their product must be values.length); returns its name. */
  initializer(hint: string, type: OnnxElementType, dims: readonly number[], values: ArrayLike<number>): string {
    const count = dims.reduce((a, b) => a * b, 1);
    check(count === values.length, () => `ONNX initializer ${hint}: dims [${dims.join(', ')}] hold ${count} values, got ${values.length}`);
    const name = this.fresh(hint);
    const rawData = rawBytes(type, values);
    this.initializerBytes += rawData.length;
    this.initializers.push({ name, dims: [...dims], dataType: ONNX_TYPES[type], rawData });
    return name;
  }

  /** A float32 initializer. */
  floats(hint: string, dims: readonly number[], values: ArrayLike<number>): string {
    return this.initializer(hint, 'float', dims, values);
  }

  /** A 1-D int64 constant (shapes, axes, pads), stored once however often it is asked for. */
  int64s(values: readonly number[]): string {
    const key = values.join(',');
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.initializer(`const_${values.map((v) => (v < 0 ? `m${-v}` : String(v))).join('_')}`, 'int64', [values.length], values);
      this.constants.set(key, name);
    }
    return name;
  }

  /**
   * Gather indices[N] into [0, bound), as int32 values in the graph. When bound ≤ 65536 they are
   * stored as uint16 (half the bytes) and a Cast node widens them; onnxruntime folds that Cast
   * into a constant when it loads the graph, so it costs nothing per run.
   */
  indices(hint: string, indices: ArrayLike<number>, bound: number): string {
    if (bound > 1 << 16) return this.initializer(hint, 'int32', [indices.length], indices);
    const stored = this.initializer(`${hint}_u16`, 'uint16', [indices.length], indices);
    return this.node('Cast', [stored], { to: { int: ONNX_TYPES.int32 } }, hint);
  }

  /**
   * Gives the value `from` the name `to` (a graph output's fixed name): renames the output of the
   * node that computes it, or adds an Identity node when no node does (`from` is a graph input).
   * Only for a value no node reads yet.
   */
  rename(from: string, to: string): string {
    this.reserve(to);
    check(!this.nodes.some((n) => n.input?.includes(from)), () => `ONNX graph ${this.name}: cannot rename ${from}, a node reads it`);
    const producer = this.nodes.find((n) => n.output?.includes(from));
    if (producer === undefined) {
      this.nodes.push({ opType: 'Identity', name: to, input: [from], output: [to] });
    } else {
      producer.output = producer.output?.map((o) => (o === from ? to : o));
      producer.name = to;
    }
    return to;
  }

  /** Bytes of every initializer's data (weights, indices and constants). */
  get dataBytes(): number {
    return this.initializerBytes;
  }

  /** The ModelProto bytes of this graph with `inputs` and `outputs`. */
  encode(inputs: readonly OnnxValue[], outputs: readonly OnnxValue[], info: OnnxModelInfo): Uint8Array {
    const graph: onnxProto.onnx.IGraphProto = {
      name: this.name, node: this.nodes, initializer: this.initializers,
      input: inputs.map(valueInfo), output: outputs.map(valueInfo),
    };
    const model: onnxProto.onnx.IModelProto = {
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: info.producer,
      docString: info.docString ?? '',
      metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph,
    };
    const bytes = onnx.ModelProto.encode(model).finish();
    // protobufjs hands out a Buffer in Node and a Uint8Array elsewhere: the same bytes as a plain Uint8Array everywhere
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
