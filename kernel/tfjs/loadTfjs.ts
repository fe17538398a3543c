// Loads tfjs at kernel start. (Placeholder until the backend choice lands: default backend.)
import { provideTfjs, type Tfjs } from "./sharedTfjs";
import { registerWasmGradients } from "./wasmGradients";

export async function loadTfjs(): Promise<Tfjs> {
  const tf: Tfjs = require("@tensorflow/tfjs");
  // So that a cell that picks wasm (tf.setBackend("wasm")) can train CNNs and Embedding models on it.
  registerWasmGradients(tf);
  await tf.ready();
  provideTfjs(tf);
  return tf;
}
