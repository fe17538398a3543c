// How many threads the wasm backend should run: TFJS_STUDIO_THREADS, else the machine's physical cores (hyperthreads
// add little to XNNPACK's arithmetic and would compete with the kernel's own threads).
import { readFileSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";

export const THREADS_ENV = "TFJS_STUDIO_THREADS";

/** tfjs-backend-wasm caps its XNNPACK pool there (max_num_threads in its backend.cc; its pool holds 8 workers). */
export const WASM_MAX_THREADS = 8;

export interface ThreadRequest {
  threads: number;
  /** Why `threads` is not what was asked for, when it is not. */
  note?: string;
}

/** The threads to start from a TFJS_STUDIO_THREADS value: a bad value is not fatal, it falls back to one thread and says why. */
export function requestedThreads(setting: string | undefined, cores: () => number = physicalCores): ThreadRequest {
  const text = setting?.trim() ?? "";
  const asked = text === "" ? cores() : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(asked >= 1)) return { threads: 1, note: `${THREADS_ENV}=${setting} is not a positive whole number` };
  if (asked > WASM_MAX_THREADS) return { threads: WASM_MAX_THREADS, note: `${asked} threads asked, tfjs-backend-wasm runs at most ${WASM_MAX_THREADS}` };
  return { threads: asked };
}

/**
 * Physical cores this process may use: distinct (package, core) pairs of the online CPUs on Linux, no more than the
 * CPUs the process may run on. Node tells only logical CPUs, so elsewhere that is the answer.
 */
export function physicalCores(root = "/sys/devices/system/cpu", cpuinfo = "/proc/cpuinfo", logical = availableParallelism()): number {
  const cores = linuxCores(root) ?? cpuinfoCores(cpuinfo);
  return Math.max(1, Math.min(cores ?? logical, logical));
}

function linuxCores(root: string): number | undefined {
  try {
    const cpus = readdirSync(root).filter((name) => /^cpu\d+$/.test(name));
    const pairs = new Set<string>();
    for (const cpu of cpus) {
      const read = (file: string) => readFileSync(`${root}/${cpu}/topology/${file}`, "utf8").trim();
      // An offline CPU has no topology folder.
      try {
        pairs.add(`${read("physical_package_id")}:${read("core_id")}`);
      } catch {
        continue;
      }
    }
    return pairs.size || undefined;
  } catch {
    return undefined;
  }
}

/** The same pairs from /proc/cpuinfo's "physical id" and "core id" lines, where sysfs is not mounted. */
function cpuinfoCores(file: string): number | undefined {
  try {
    const pairs = new Set<string>();
    for (const block of readFileSync(file, "utf8").split(/\n\s*\n/)) {
      const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(\\S+)`, "m").exec(block)?.[1];
      const core = field("core id");
      if (core !== undefined) pairs.add(`${field("physical id") ?? 0}:${core}`);
    }
    return pairs.size || undefined;
  } catch {
    return undefined;
  }
}
