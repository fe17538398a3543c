// tf.setBackend only warns on the console when a backend fails to start; this makes that an error with its reason.
import { BackendUnavailable } from "./chooseBackend";
import type { Tfjs } from "../tfjsModule";

export async function startBackend(tf: Tfjs, name: string): Promise<void> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  try {
    if (!(await tf.setBackend(name))) {
      throw new BackendUnavailable(`the ${name} backend did not start${warnings.length ? `: ${warnings.join(" ").trim()}` : ""}`);
    }
  } finally {
    console.warn = warn;
  }
}
