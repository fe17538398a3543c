// The fused Adam's inner loop as a small WebAssembly SIMD function over the wasm backend's own memory: four elements
// per instruction, in float32 operations exactly as tfjs' kernels compute Adam (so the steps match to the bit), where
// a JavaScript loop takes 5 to 8 ns per element, more than tfjs' fourteen vectorized kernels together.
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** update(x, m, v, g, bytes, beta1, beta2, 1 - beta1, 1 - beta2, correction1, correction2, epsilon, -learningRate):
 * the first `bytes` bytes (a multiple of 16) of the four float32 arrays at those heap offsets. */
export type SimdAdamUpdate = (x: number, m: number, v: number, g: number, bytes: number, ...scalars: number[]) => void;

const leb = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >>> 7)]);
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, contents: number[]): number[] => [id, ...leb(contents.length), ...contents];
const name = (text: string): number[] => [...leb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

// Opcodes. Parameters 0-3: the arrays' offsets, 4: bytes, 5-12: the scalars; local 13: the byte index; 14-21: the
// scalars splatted; 22-24: g, the new m and the new v.
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const simd = (op: number) => [0xfd, ...leb(op)];
const load = (array: number) => [...get(array), ...get(13), 0x6a, ...simd(0x00), 2, 0];
const address = (array: number) => [...get(array), ...get(13), 0x6a];
const store = [...simd(0x0b), 2, 0];
const [sqrt, add, mul, div] = [simd(0xe3), simd(0xe4), simd(0xe6), simd(0xe7)];
const [B1, B2, C1, C2, CORRECTION1, CORRECTION2, EPS, STEP, G, M, V] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];

const body = [
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((k) => [...get(5 + k), ...simd(0x13), ...set(14 + k)]),
  ...[0x02, 0x40, 0x03, 0x40],
  ...[...get(13), ...get(4), 0x4f, 0x0d, 1],
  ...[...load(3), ...set(G)],
  // m = m * beta1 + g * (1 - beta1)
  ...[...load(1), ...get(B1), ...mul, ...get(G), ...get(C1), ...mul, ...add, ...set(M)],
  ...[...address(1), ...get(M), ...store],
  // v = v * beta2 + (g * g) * (1 - beta2)
  ...[...load(2), ...get(B2), ...mul, ...get(G), ...get(G), ...mul, ...get(C2), ...mul, ...add, ...set(V)],
  ...[...address(2), ...get(V), ...store],
  // x = (m / correction1) / (sqrt(v / correction2) + epsilon) * -learningRate + x
  ...address(0),
  ...[...get(M), ...get(CORRECTION1), ...div, ...get(V), ...get(CORRECTION2), ...div, ...sqrt, ...get(EPS), ...add, ...div],
  ...[...get(STEP), ...mul, ...load(0), ...add, ...store],
  ...[...get(13), 0x41, 16, 0x6a, ...set(13), 0x0c, 0],
  ...[0x0b, 0x0b, 0x0b],
];

/** The module, importing the backend's memory: shared (with the largest maximum) where wasm runs threads. */
const moduleBytes = (shared: boolean) => new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, vec([[0x60, ...vec([...Array<number[]>(5).fill([0x7f]), ...Array<number[]>(8).fill([0x7d])]), 0]])),
  ...section(2, vec([[...name("env"), ...name("memory"), 0x02, ...(shared ? [0x03, 0x00, ...leb(65536)] : [0x00, 0x00])]])),
  ...section(3, vec([[0]])),
  ...section(7, vec([[...name("update"), 0x00, 0]])),
  ...section(10, vec([[...leb(body.length + 5), ...vec([[1, 0x7f], [11, 0x7b]]), ...body]])),
]);

const updates = new WeakMap<BackendWasm, SimdAdamUpdate>();

/** Where the Emscripten module keeps its memory: exported, or made by its JavaScript in the threaded build. */
interface EmscriptenMemory {
  asm?: { memory?: { buffer: ArrayBufferLike } };
  wasmMemory?: { buffer: ArrayBufferLike };
}

/** The WebAssembly API as used here (the project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The update, instantiated once per backend over its memory. */
export function simdAdamUpdate(backend: BackendWasm): SimdAdamUpdate {
  let update = updates.get(backend);
  if (update === undefined) {
    const emscripten = backend.wasm as unknown as EmscriptenMemory;
    const memory = emscripten.asm?.memory ?? emscripten.wasmMemory;
    if (memory === undefined) throw new Error("the wasm backend's memory is not reachable");
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const { Instance, Module } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const instance = new Instance(new Module(moduleBytes(shared)), { env: { memory } });
    update = instance.exports.update as SimdAdamUpdate;
    updates.set(backend, update);
  }
  return update;
}
