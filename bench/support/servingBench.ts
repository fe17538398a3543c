// The serving benchmark's model side: the mnist-cnn template's network (untrained: speed does not depend on the
// weights) saved and packaged as `tfjs-studio package --scale 1/255` would, and the in-process baseline: the same
// model's predict, one image at a time, on the backend the server picks.
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { Tensor } from "@tensorflow/tfjs";
import { dump } from "npyjs";
import { inspectModelDir } from "../../serving/package/modelPackage";
import { writeModelPackage } from "../../serving/package/writeModelPackage";
import { selectBackend } from "../../tfjs/backends/selectBackend";
import { fileSystemHandler } from "../../tfjs/io/fileSystemIO";
import { loadServableModel, predictOutputs } from "../../tfjs/io/servableModel";

/** One 28x28 grey image, pixel values 0-255, as a request carries it. */
export const IMAGE = Array.from({ length: 28 }, (_, row) => Array.from({ length: 28 }, (_, column) => [(row * 28 + column) % 256]));

/** IMAGE as one .npy array of shape (1, 28, 28, 1), uint8, as numpy.save writes a batch of one raw image. */
export function imageAsNpy(): Buffer {
  return Buffer.from(dump(new Uint8Array(IMAGE.flat(2)), [1, 28, 28, 1]));
}

export async function packageCnn(dir: string): Promise<string> {
  const { loaded } = await selectBackend({ setting: "cpu", notebookDir: dir });
  const { tf } = loaded;
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  const modelDir = path.join(dir, "mnist-cnn-model");
  fs.mkdirSync(modelDir, { recursive: true });
  await model.save(fileSystemHandler(tf, modelDir));
  model.dispose();
  const archive = path.join(dir, "model.tar.gz");
  await writeModelPackage(await inspectModelDir(tf, modelDir, { scale: 1 / 255 }), archive);
  return modelDir;
}

export interface InProcessResult {
  backend: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** model.predict on one image at a time for `seconds`, with the scaling and the read-back a server does. */
export async function predictInProcess(modelDir: string, seconds: number): Promise<InProcessResult> {
  const { loaded, runtime } = await selectBackend({ notebookDir: modelDir });
  const { tf } = loaded;
  const servable = await loadServableModel(tf, modelDir);
  const once = () => {
    const outputs = tf.tidy(() => predictOutputs(servable, [tf.tensor4d([IMAGE]).mul<Tensor>(1 / 255)]));
    outputs.forEach((output) => output.arraySync());
    tf.dispose(outputs);
  };
  for (let i = 0; i < 20; i++) once();
  const latencies: number[] = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const before = performance.now();
    once();
    latencies.push(performance.now() - before);
  }
  const elapsed = (performance.now() - started) / 1000;
  servable.model.dispose();
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { backend: runtime.description ?? runtime.backend ?? "unknown", perSecond: latencies.length / elapsed, p50Ms: quantile(0.5), p99Ms: quantile(0.99) };
}
