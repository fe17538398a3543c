// Asks Dawn which adapter it would use, in a child process: Dawn says why it rejects a device only on stderr, and a
// broken driver that crashes takes the child down, not the kernel.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../../../protocol/packageRoot";

/** What the kernel shows of an adapter. */
export interface AdapterFacts {
  description: string;
  vendor: string;
  architecture: string;
  device: string;
  /** A software rasterizer (lavapipe, SwiftShader): slower than the wasm backend. */
  fallback: boolean;
}

export interface AdapterProbe {
  /** Dawn's preferred adapter for high performance; undefined when it found none. */
  adapter?: AdapterFacts;
  /** Dawn's warnings, first lines only: why it rejected a device. */
  warnings: string[];
  /** Set when the probe itself failed: crashed, timed out, or could not load the package. */
  failure?: string;
}

/** The probe script, bundled as its own file (tfjs/backends/webgpu/adapterProbeMain.ts). */
const ADAPTER_PROBE_SCRIPT = "dist/tfjs/webgpuAdapterProbe.js";
const PROBE_TIMEOUT_MS = 20_000;

export function probeAdapter(webgpuDir: string): Promise<AdapterProbe> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageRoot(), ADAPTER_PROBE_SCRIPT), webgpuDir], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), PROBE_TIMEOUT_MS);
    const finish = (failure?: string) => {
      clearTimeout(timer);
      const warnings = dawnWarnings(stderr);
      if (failure) return resolve({ warnings, failure });
      try {
        resolve({ ...(JSON.parse(stdout) as { adapter?: AdapterFacts }), warnings });
      } catch {
        resolve({ warnings, failure: `the probe printed no result${lastLine(stderr)}` });
      }
    };
    child.on("error", (error) => finish(`the probe did not start: ${error.message}`));
    child.on("close", (code, signal) => {
      if (signal === "SIGKILL") return finish(`the probe did not answer in ${PROBE_TIMEOUT_MS / 1000} s`);
      if (signal) return finish(`the probe crashed (${signal})${lastLine(stderr)}`);
      finish(code === 0 ? undefined : `the probe failed (exit code ${code})${lastLine(stderr)}`);
    });
  });
}

/** Dawn prints "Warning: <what>" and then indented context lines; the first lines say it. */
export function dawnWarnings(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("Warning: ")).map((line) => line.slice("Warning: ".length).trim())
    .filter((text) => !text.includes("artificially reduced"));
}

function lastLine(text: string): string {
  const line = text.trim().split("\n").pop()?.trim();
  return line ? `: ${line}` : "";
}

