#!/usr/bin/env node
// Remote kernels over SSH, against Debian's sshd on 127.0.0.1 (so the figures are ours, not a network's):
//   first result   "Connect" → the first `1+1` result: SSH, host checks, the kernel runtime uploaded over SFTP and
//                  verified (a fresh host) or found there, the kernel started detached, channels forwarded;
//                  median of 3 fresh hosts and of 5 with the runtime there
//   cut → flowing  a cell printing a line every 10 ms, the link cut (the sshd processes of the session killed) a
//                  second in: the longest pause in the output arriving through the relay from the cut on (the
//                  link noticed dead, the reconnect, the gap filled from the journal); median of 5, with every
//                  line checked to arrive once
//   round trip     `1+1` execute → reply and status idle, p50 and p99 of 200, through the tunnel (relay, forwarder,
//                  SSH) and, in the same run, to a local kernel
//
//   node bench/remote.bench.mjs        standalone
//   node bench/run.mjs remote          through the benchmark runner
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForBench } from "./support/bundle.mjs";
import { runWhenMain } from "./support/standalone.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms) => `${ms.toFixed(2)} ms`;

export default async function run({ log } = { log: (line) => process.stderr.write(`${line}\n`) }) {
  const bundle = await bundleForBench(root, "remote", { entryPoints: [path.join(benchDir, "support", "remoteBench.ts")] });
  const { runRemoteBench } = createRequire(import.meta.url)(bundle);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tfjs-studio-bench-remote-"));
  try {
    const result = await runRemoteBench(work, log);
    const { freshTimings: t, roundTrip } = result;
    return {
      title: "Remote kernels over SSH (Debian's sshd on 127.0.0.1)",
      columns: ["measure", "value"],
      rows: [
        ["Connect → first result, fresh host (upload included)", seconds(median(result.firstResultFreshMs))],
        ["  of which SSH / host ready (upload) / kernel start and first result", `${seconds(t.connectMs)} / ${seconds(t.runtimeMs)} / ${seconds(median(result.firstResultFreshMs) - t.connectMs - t.runtimeMs)}`],
        ["Connect → first result, runtime already on the host", seconds(median(result.firstResultWarmMs))],
        ["runtime archive (packed once per version)", `${result.runtimeArchive.megabytes.toFixed(1)} MB in ${result.runtimeArchive.packSeconds.toFixed(1)} s`],
        ["cut link → output flowing again", seconds(median(result.cutToFlowingMs))],
        ["lines lost or doubled over 5 cuts", String(result.linesLostOrDoubled)],
        ["1+1 round trip through the tunnel, p50 / p99", `${millis(roundTrip.tunnel.p50)} / ${millis(roundTrip.tunnel.p99)}`],
        ["1+1 round trip to a local kernel, p50 / p99", `${millis(roundTrip.local.p50)} / ${millis(roundTrip.local.p99)}`],
      ],
      notes: ["The reconnect waits 0.5 s before its first attempt (then 1, 2, 4, 8, 15 s): most of cut → flowing."],
      summary: {
        first_result_fresh_s: Number((median(result.firstResultFreshMs) / 1000).toFixed(2)),
        first_result_warm_s: Number((median(result.firstResultWarmMs) / 1000).toFixed(2)),
        cut_to_flowing_s: Number((median(result.cutToFlowingMs) / 1000).toFixed(2)),
        lost_or_doubled: result.linesLostOrDoubled,
        tunnel_p50_ms: Number(roundTrip.tunnel.p50.toFixed(2)),
        local_p50_ms: Number(roundTrip.local.p50.toFixed(2)),
      },
      results: result,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, () => run());
