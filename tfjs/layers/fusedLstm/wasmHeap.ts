// Direct access to the wasm backend for the per-step work of the fused LSTM: its XNNPACK matrix product called on
// tensor ids (no tensor, reshape or kernel dispatch per step) and Float32Array views of tensors on the heap.
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

function tensorId(backend: BackendWasm, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error("fused LSTM: a tensor is not on the wasm backend");
  return data.id;
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

/**
 * out[rows, n] = a[rows, k] · b[k, n], all three tensors on the heap, neither operand transposed: the case the wasm
 * BatchMatMul runs with XNNPACK, which packs b once and caches it by b's id, so a loop over steps with one weight
 * matrix packs it once.
 */
export function heapMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo, out: TensorInfo, rows: number, k: number, n: number): () => void {
  const matMul = wasmBatchMatMul(backend);
  const aId = tensorId(backend, a);
  const bId = tensorId(backend, b);
  const outId = tensorId(backend, out);
  const aShape = shapeBytes([1, rows, k]);
  const bShape = shapeBytes([1, k, n]);
  return () => matMul(aId, aShape, 3, bId, bShape, 3, false, false, outId);
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
