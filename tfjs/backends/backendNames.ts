// The backends the kernel can choose, their order, and the names TFJS_STUDIO_BACKEND accepts for them.

export type BackendId = "gpu" | "webgpu" | "node" | "wasm" | "cpu";

/** Best first: the order of the automatic choice. */
export const BACKEND_ORDER: readonly BackendId[] = ["gpu", "webgpu", "node", "wasm", "cpu"];

export const BACKEND_ENV = "TFJS_STUDIO_BACKEND";

const ALIASES: Record<string, BackendId> = {
  gpu: "gpu", cuda: "gpu", "node-gpu": "gpu", "tfjs-node-gpu": "gpu", "@tensorflow/tfjs-node-gpu": "gpu", "tensorflow-gpu": "gpu",
  webgpu: "webgpu", dawn: "webgpu", "tfjs-backend-webgpu": "webgpu", "@tensorflow/tfjs-backend-webgpu": "webgpu",
  node: "node", "tfjs-node": "node", "@tensorflow/tfjs-node": "node", tensorflow: "node", native: "node",
  wasm: "wasm", "tfjs-backend-wasm": "wasm", "@tensorflow/tfjs-backend-wasm": "wasm", webassembly: "wasm",
  cpu: "cpu", js: "cpu", "tfjs-backend-cpu": "cpu", "@tensorflow/tfjs-backend-cpu": "cpu",
};

/** What each backend is called in messages. */
export const BACKEND_LABELS: Record<BackendId, string> = {
  gpu: "gpu (@tensorflow/tfjs-node-gpu)",
  webgpu: "webgpu (@tensorflow/tfjs-backend-webgpu on Dawn)",
  node: "node (@tensorflow/tfjs-node)",
  wasm: "wasm (@tensorflow/tfjs-backend-wasm)",
  cpu: "cpu (plain JavaScript)",
};

/** The backend a TFJS_STUDIO_BACKEND value forces; undefined for no value or "auto". Unknown names are an error. */
export function parseBackendSetting(value: string | undefined): BackendId | undefined {
  const name = (value ?? "").trim().toLowerCase();
  if (name === "" || name === "auto") return undefined;
  const id = ALIASES[name];
  if (!id) {
    throw new Error(`${BACKEND_ENV}=${value} is not a backend this kernel knows. Use one of: gpu, webgpu, node (tfjs-node), wasm, cpu, or auto.`);
  }
  return id;
}
