// Loads tfjs at kernel start. (Placeholder until the backend choice lands: default backend.)
import { provideTfjs, type Tfjs } from "./sharedTfjs";

export async function loadTfjs(): Promise<Tfjs> {
  const tf: Tfjs = require("@tensorflow/tfjs");
  await tf.ready();
  provideTfjs(tf);
  return tf;
}
