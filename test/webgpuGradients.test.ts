// The template layers' gradients on the webgpu backend against the cpu backend, within 1e-3. Here the adapter is Mesa's
// lavapipe (software Vulkan, TFJS_STUDIO_WEBGPU_SOFTWARE=1); bench/gpu/ runs the same cases on a real GPU. Dawn must
// never load into mocha's process, so this file is also the child's script: run by node directly, it loads webgpu as
// the kernel does, compares, prints the comparison as JSON, and exits by itself once the GPU is released.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { packageRoot } from "../protocol/packageRoot";
import { WEBGPU_SOFTWARE_ENV } from "../tfjs/backends/webgpu/webgpuLoader";
import { GRADIENT_TOLERANCE, TEMPLATE_LAYERS, comparisonFromJson, comparisonToJson, gradientPasses, webgpuAgainstCpu, type WebGpuComparison } from "./support/layerGradientCases";

/** How long the child may take to exit after printing its result: Dawn must not hold the process open. */
const EXIT_GRACE_MS = 10_000;
const CHILD_TIMEOUT_MS = 150_000;

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the result line to the exit; undefined when no result was printed. */
  exitDelayMs?: number;
}

function runChild(): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [__filename], { env: { ...process.env, [WEBGPU_SOFTWARE_ENV]: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let printedAt: number | undefined;
    let grace: NodeJS.Timeout | undefined;
    const timeout = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (printedAt === undefined && stdout.includes("\n")) {
        printedAt = Date.now();
        grace = setTimeout(() => child.kill("SIGKILL"), EXIT_GRACE_MS);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("close", (code, signal) => {
      clearTimeout(timeout);
      clearTimeout(grace);
      resolve({ code, signal, stdout, stderr, exitDelayMs: printedAt === undefined ? undefined : Date.now() - printedAt });
    });
  });
}

if (require.main === module) {
  webgpuAgainstCpu(packageRoot()).then(
    (comparison) => process.stdout.write(`${comparisonToJson(comparison)}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
} else {
  describe("webgpu gradients of the template layers against cpu (lavapipe)", function () {
    this.timeout(CHILD_TIMEOUT_MS + 10_000);
    let run: ChildRun;
    let comparison: WebGpuComparison | undefined;

    before(async () => {
      run = await runChild();
      const line = run.stdout.split("\n").find((text) => text.startsWith("{"));
      comparison = line === undefined ? undefined : comparisonFromJson(line);
    });

    it("loads webgpu in a child process that exits 0 by itself, promptly", () => {
      const stderrTail = run.stderr.trim().split("\n").slice(-5).join("\n");
      assert.ok(comparison, `the child printed no comparison (exit ${run.code ?? run.signal}):\n${stderrTail}`);
      assert.match(comparison.backend, /\(WebGPU, software; driver /);
      assert.ok(run.exitDelayMs !== undefined && run.exitDelayMs < EXIT_GRACE_MS, `the child did not exit within ${EXIT_GRACE_MS / 1000} s of its result`);
      assert.equal(run.code, 0, `the child failed:\n${stderrTail}`);
    });

    for (const layer of TEMPLATE_LAYERS) {
      it(`${layer}: every gradient within ${GRADIENT_TOLERANCE} of cpu`, function () {
        if (!comparison) this.skip();
        const rows = comparison.rows.filter((row) => row.layer === layer);
        assert.ok(rows.length > 0, `no gradients for ${layer}`);
        for (const row of rows) {
          assert.ok(gradientPasses(row), `${layer} ${row.gradient}: max abs diff ${row.maxAbsDiff} (reference max ${row.referenceMaxAbs})`);
        }
      });
    }
  });
}
