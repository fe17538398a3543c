// Direct access to the wasm backend, for work that kernel dispatch would drown: the fused LSTM's per-step XNNPACK
// matrix product called on tensor ids (no tensor, reshape or kernel dispatch per step), Float32Array views of tensors
// on the heap, and fresh ids for tensors written in place (the fused Adam update).
import type { TensorInfo } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type WasmBatchMatMul = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number, transposeA: boolean, transposeB: boolean, outId: number) => void;

/** The parts of the Emscripten module used here (its types are not among the project's). */
interface EmscriptenModule {
  cwrap(name: string, returnType: null, argTypes: string[]): unknown;
  HEAPU8: Uint8Array;
}

function emscripten(backend: BackendWasm): EmscriptenModule {
  return backend.wasm as unknown as EmscriptenModule;
}

function tensorData(backend: BackendWasm, info: TensorInfo): { id: number; memoryOffset: number } {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error("a tensor is not on the wasm backend");
  return data;
}

/** Where a tensor's data starts in the wasm memory, in bytes. */
export function heapOffset(backend: BackendWasm, info: TensorInfo): number {
  return tensorData(backend, info).memoryOffset;
}

function tensorId(backend: BackendWasm, info: TensorInfo): number {
  return tensorData(backend, info).id;
}

const matMuls = new WeakMap<BackendWasm, WasmBatchMatMul>();

/** The wasm module's BatchMatMul, as its own kernel binds it (the same argument types). */
function wasmBatchMatMul(backend: BackendWasm): WasmBatchMatMul {
  let matMul = matMuls.get(backend);
  if (matMul === undefined) {
    matMul = emscripten(backend).cwrap("BatchMatMul", null, ["number", "array", "number", "number", "array", "number", "number", "number", "number"]) as WasmBatchMatMul;
    matMuls.set(backend, matMul);
  }
  return matMul;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/** The backend's next tensor id (its counter is private in the types): ids must not collide with its tensors'. */
function nextTensorId(backend: BackendWasm): number {
  return (backend as unknown as { dataIdNextNumber: number }).dataIdNextNumber++;
}

/**
 * Gives a tensor's data, written in place, a new id in the wasm module, which drops what the module cached under the
 * old one: XNNPACK operators hold packed copies of their weights (a dense layer's kernel and bias), keyed by id.
 */
export function renumberTensor(backend: BackendWasm, info: TensorInfo): void {
  const data = tensorData(backend, info);
  const tfjs = backend.wasm.tfjs;
  tfjs.disposeData(data.id);
  data.id = nextTensorId(backend);
  tfjs.registerTensor(data.id, sizeOf(info.shape), data.memoryOffset);
}

function sizeOf(shape: number[]): number {
  return shape.reduce((size, d) => size * d, 1);
}

/**
 * out[rows, n] = a[rows, k] · b[k, n] on the heap, neither operand transposed: the case the wasm BatchMatMul runs with
 * XNNPACK, which packs b once and caches it by b's id, so a loop over steps with one weight matrix packs it once.
 */
export class HeapMatMul {
  private readonly matMul: WasmBatchMatMul;
  private readonly bId: number;
  private readonly outId: number;
  private readonly aShape: Uint8Array;
  private readonly bShape: Uint8Array;

  constructor(
    private readonly backend: BackendWasm,
    b: TensorInfo,
    out: TensorInfo,
    private readonly rows: number,
    private readonly k: number,
    n: number,
  ) {
    this.matMul = wasmBatchMatMul(backend);
    this.bId = tensorId(backend, b);
    this.outId = tensorId(backend, out);
    this.aShape = shapeBytes([1, rows, k]);
    this.bShape = shapeBytes([1, k, n]);
  }

  /** With a = the `rows` rows of tensor `a` from row `first` on, read in place through a tensor id over them. */
  run(a: TensorInfo, first = 0): void {
    if (first === 0) {
      this.matMul(tensorId(this.backend, a), this.aShape, 3, this.bId, this.bShape, 3, false, false, this.outId);
      return;
    }
    const data = tensorData(this.backend, a);
    const tfjs = this.backend.wasm.tfjs;
    const id = nextTensorId(this.backend);
    tfjs.registerTensor(id, this.rows * this.k, data.memoryOffset + first * this.k * Float32Array.BYTES_PER_ELEMENT);
    try {
      this.matMul(id, this.aShape, 3, this.bId, this.bShape, 3, false, false, this.outId);
    } finally {
      tfjs.disposeData(id);
    }
  }
}

/**
 * Float32Array views of tensors on the heap, taken again when the wasm memory has grown: growing replaces the heap's
 * buffer, and views of the old one read nothing.
 */
export class HeapViews<Name extends string> {
  private buffer: ArrayBufferLike | undefined;
  private current = {} as Record<Name, Float32Array>;

  constructor(
    private readonly backend: BackendWasm,
    private readonly tensors: Record<Name, TensorInfo>,
  ) {}

  get views(): Record<Name, Float32Array> {
    const buffer = emscripten(this.backend).HEAPU8.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      for (const name of Object.keys(this.tensors) as Name[]) {
        this.current[name] = this.backend.typedArrayFromHeap(this.tensors[name]) as Float32Array;
      }
    }
    return this.current;
  }
}
