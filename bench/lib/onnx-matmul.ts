/**
 * One-node ONNX models, Y[M,N] = X[M,K] · W[K,N] (MatMul) and a 2-D convolution (Conv, NCHW),
 * written as protobuf bytes by a minimal encoder that knows only the fields used here (field
 * numbers from onnx.proto):
 *
 *   ModelProto      1 ir_version (varint), 2 producer_name, 7 graph, 8 opset_import
 *   OperatorSetId   1 domain, 2 version
 *   GraphProto      1 node, 2 name, 5 initializer, 11 input, 12 output
 *   NodeProto       1 input, 2 output, 3 name, 4 op_type, 5 attribute
 *   AttributeProto  1 name, 8 ints (int64, unpacked), 20 type (7 = INTS)
 *   TensorProto     1 dims (int64), 2 data_type (1 = FLOAT), 8 name, 9 raw_data (little-endian)
 *   ValueInfoProto  1 name, 2 type
 *   TypeProto       1 tensor_type;  TypeProto.Tensor 1 elem_type, 2 shape
 *   TensorShapeProto 1 dim;  Dimension 1 dim_value
 *
 * The weight is an initializer, X the only graph input, Y the output.
 */

const VARINT = 0, LEN = 2;
const FLOAT = 1;
const ATTRIBUTE_INTS = 7;

class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private varintRaw(n: number): void {
    const out: number[] = [];
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`protobuf varint must be a non-negative safe integer, got ${n}`);
    while (n >= 0x80) {
      out.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    out.push(n);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: number): void {
    this.varintRaw(field * 8 + wire);
  }

  varint(field: number, n: number): this {
    this.key(field, VARINT);
    this.varintRaw(n);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, LEN);
    this.varintRaw(b.length);
    this.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Writer): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function valueInfo(name: string, dims: readonly number[]): Writer {
  const shape = new Writer();
  for (const d of dims) shape.message(1, new Writer().varint(1, d));
  const tensorType = new Writer().varint(1, FLOAT).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

/** TensorProto of a float32 initializer. */
function floatTensor(name: string, dims: readonly number[], values: Float32Array): Writer {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`${name} must have ${count} elements, got ${values.length}`);
  const t = new Writer();
  for (const d of dims) t.varint(1, d);
  return t.varint(2, FLOAT).string(8, name).bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** ModelProto bytes of a one-node graph: input X, initializer W, output Y. */
function oneNodeModel(node: Writer, weight: Writer, name: string, xDims: readonly number[], yDims: readonly number[]): Uint8Array {
  const graph = new Writer()
    .message(1, node)
    .string(2, name)
    .message(5, weight)
    .message(11, valueInfo('X', xDims))
    .message(12, valueInfo('Y', yDims));
  return new Writer()
    .varint(1, 8)                                        // IR version 8 (ONNX 1.10+)
    .string(2, 'sobolnet-bench')
    .message(7, graph)
    .message(8, new Writer().string(1, '').varint(2, 13)) // default domain, opset 13
    .finish();
}

/** ModelProto bytes of Y[M,N] = MatMul(X[M,K], W[K,N]) with W (row-major [K][N]) as an initializer. */
export function matMulModel(M: number, K: number, N: number, W: Float32Array): Uint8Array {
  if (W.length !== K * N) throw new Error(`W must have K·N = ${K * N} elements, got ${W.length}`);
  const node = new Writer().string(1, 'X').string(1, 'W').string(2, 'Y').string(3, 'matmul').string(4, 'MatMul');
  return oneNodeModel(node, floatTensor('W', [K, N], W), 'sobolnet-bench-matmul', [M, K], [M, N]);
}

/** An INTS attribute of a node. */
function intsAttribute(name: string, values: readonly number[]): Writer {
  const a = new Writer().string(1, name);
  for (const v of values) a.varint(8, v);
  return a.varint(20, ATTRIBUTE_INTS);
}

/** The geometry of a square 2-D convolution (the fields of src/kernels/conv-shape.ts's ConvShape that ONNX needs). */
export interface OnnxConvShape {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
}

/**
 * ModelProto bytes of Y[B,Co,Ho,Wo] = Conv(X[B,Ci,H,W], W[Co,Ci,k,k]): no bias, stride s and zero
 * padding p on every side (pads = [p, p, p, p]), no dilation, one group. W is an initializer.
 */
export function convModel(B: number, shape: OnnxConvShape, W: Float32Array): Uint8Array {
  const { inChannels: Ci, outChannels: Co, kernel: k, stride: s, padding: p } = shape;
  const node = new Writer().string(1, 'X').string(1, 'W').string(2, 'Y').string(3, 'conv').string(4, 'Conv')
    .message(5, intsAttribute('kernel_shape', [k, k]))
    .message(5, intsAttribute('strides', [s, s]))
    .message(5, intsAttribute('pads', [p, p, p, p]))
    .message(5, intsAttribute('dilations', [1, 1]));
  return oneNodeModel(node, floatTensor('W', [Co, Ci, k, k], W), 'sobolnet-bench-conv',
    [B, Ci, shape.inHeight, shape.inWidth], [B, Co, shape.outHeight, shape.outWidth]);
}
