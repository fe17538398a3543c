// The remote kernel benchmark's moving parts: Debian's sshd on 127.0.0.1 as the "GPU server", the kernel started
// on it through RemoteKernelSession as `tfjs-studio connect` and VS Code start it, and a local kernel beside it.
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { KernelClient } from "../../client/kernelClient";
import { kernelArgv, launchKernel } from "../../client/kernelLauncher";
import { kernelRuntime } from "../../client/remote/kernelRuntime";
import { RemoteKernelSession } from "../../client/remote/remoteKernelSession";
import type { SshPrompts } from "../../client/ssh/sshAuthentication";
import { resolveDestination } from "../../client/ssh/sshDestination";
import { startSshd, type Sshd } from "../../test/support/sshd";

export interface RemoteBenchResult {
  runtimeArchive: { megabytes: number; packSeconds: number };
  /** Connect → first `1+1` result, ms, each run. */
  firstResultFreshMs: number[];
  firstResultWarmMs: number[];
  /** Where the time of the first fresh connect went. */
  freshTimings: RemoteKernelSession["timings"];
  /** Link cut → output flowing again: the longest pause in the cell's arriving output from the cut on, each run. */
  cutToFlowingMs: number[];
  linesLostOrDoubled: number;
  /** `1+1` execute round trip, ms: p50 and p99 of RUNS. */
  roundTrip: { local: { p50: number; p99: number }; tunnel: { p50: number; p99: number } };
}

const FRESH_RUNS = 3;
const WARM_RUNS = 5;
const CUT_RUNS = 5;
const WARMUP = 5;
const RUNS = 200;
/** The cut cell prints a line this often, so that "flowing again" is seen within this much of happening. */
const LINE_EVERY_MS = 10;
const CUT_AFTER_MS = 1000;
const CELL_MS = 5000;

const noPrompts: SshPrompts = { confirmHostKey: async () => false, secret: async () => undefined };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runRemoteBench(work: string, log: (line: string) => void): Promise<RemoteBenchResult> {
  const sshd = await startSshd(path.join(work, "sshd"));
  try {
    return await measure(work, sshd, log);
  } finally {
    await sshd.stop();
  }
}

async function measure(work: string, sshd: Sshd, log: (line: string) => void): Promise<RemoteBenchResult> {
  const knownHostsFile = path.join(work, "known_hosts");
  fs.writeFileSync(knownHostsFile, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
  const destination = resolveDestination(`${sshd.user}@127.0.0.1:${sshd.port}`, { identityFile: sshd.userKey, configFile: path.join(work, "no-ssh-config") });
  // The runtime archive is packed into the benchmark's folder, as RemoteKernelSession finds it there.
  process.env.XDG_CACHE_HOME = path.join(work, "cache");
  const packStarted = performance.now();
  const runtime = await kernelRuntime();
  const runtimeArchive = { megabytes: runtime.bytes / 1e6, packSeconds: (performance.now() - packStarted) / 1000 };
  log(`  runtime archive: ${runtimeArchive.megabytes.toFixed(1)} MB, packed in ${runtimeArchive.packSeconds.toFixed(1)} s (once per version)`);
  const open = (root: string) =>
    RemoteKernelSession.open({ destination, prompts: noPrompts, knownHostsFile, root, idleShutdownS: 600, cwd: work });

  const firstResult = async (root: string) => {
    const started = performance.now();
    const session = await open(root);
    const client = await KernelClient.connect(session.localInfo);
    try {
      await client.waitForReady();
      await client.execute("1+1");
      return { ms: performance.now() - started, timings: session.timings };
    } finally {
      await client.request("control", "shutdown_request", { restart: false }, { timeoutMs: 10_000 }).catch(() => undefined);
      client.close();
      session.close();
    }
  };
  const firstResultFreshMs: number[] = [];
  const freshRuns: { ms: number; timings: RemoteKernelSession["timings"] }[] = [];
  for (let run = 0; run < FRESH_RUNS; run++) {
    const { ms, timings } = await firstResult(path.join(work, `fresh-host-${run}`));
    freshRuns.push({ ms, timings });
    firstResultFreshMs.push(ms);
    log(`  fresh host ${run + 1}: ${ms.toFixed(0)} ms (upload ${timings.uploaded})`);
  }
  const firstResultWarmMs: number[] = [];
  for (let run = 0; run < WARM_RUNS; run++) {
    const { ms, timings } = await firstResult(path.join(work, "fresh-host-0"));
    firstResultWarmMs.push(ms);
    log(`  runtime there ${run + 1}: ${ms.toFixed(0)} ms (SSH ${timings.connectMs.toFixed(0)}, host ready ${timings.runtimeMs.toFixed(0)}, kernel ${timings.kernelMs.toFixed(0)})`);
  }

  const session = await open(path.join(work, "fresh-host-0"));
  const client = await KernelClient.connect(session.localInfo);
  const local = await launchKernel({ argv: kernelArgv(), cwd: work });
  try {
    await client.waitForReady();
    const cutToFlowingMs: number[] = [];
    let linesLostOrDoubled = 0;
    for (let run = 0; run < CUT_RUNS; run++) {
      const { ms, wrong } = await cutOnce(client, sshd);
      cutToFlowingMs.push(ms);
      linesLostOrDoubled += wrong;
      log(`  cut ${run + 1}: output flowing again ${ms.toFixed(0)} ms after the cut; lines lost or doubled: ${wrong}`);
    }
    const roundTrip = { local: await roundTrips(local.client), tunnel: await roundTrips(client) };
    log(`  1+1 round trip p50: local ${roundTrip.local.p50.toFixed(2)} ms, through the tunnel ${roundTrip.tunnel.p50.toFixed(2)} ms`);
    // The breakdown of the run the table's median is.
    const freshTimings = [...freshRuns].sort((a, b) => a.ms - b.ms)[Math.floor(freshRuns.length / 2)].timings;
    return { runtimeArchive, firstResultFreshMs, firstResultWarmMs, freshTimings, cutToFlowingMs, linesLostOrDoubled, roundTrip };
  } finally {
    await client.request("control", "shutdown_request", { restart: false }, { timeoutMs: 10_000 }).catch(() => undefined);
    client.close();
    session.close();
    await local.shutdown();
  }
}

/**
 * A cell printing numbered lines; the link cut a second in. Output stops at the cut and flows again once the link
 * is back and the relay has filled the gap: measured as the longest pause between lines arriving, from the cut on.
 */
async function cutOnce(client: KernelClient, sshd: Sshd): Promise<{ ms: number; wrong: number }> {
  const lines = Math.round(CELL_MS / LINE_EVERY_MS);
  let cutAt: number | undefined;
  let lastArrival: number | undefined;
  let longestPause = 0;
  let text = "";
  const running = client.execute(`for (let i = 0; i < ${lines}; i++) { console.log("line " + i); await new Promise((resolve) => setTimeout(resolve, ${LINE_EVERY_MS})); }`, {
    onIopub: (message) => {
      if (message.header.msg_type !== "stream") return;
      text += (message.content as { text: string }).text;
      if (cutAt === undefined) return;
      const now = performance.now();
      longestPause = Math.max(longestPause, now - (lastArrival ?? cutAt));
      lastArrival = now;
    },
  });
  await new Promise((resolve) => setTimeout(resolve, CUT_AFTER_MS));
  cutAt = performance.now();
  sshd.killSessions();
  await running;
  const seen = [...text.matchAll(/^line (\d+)$/gm)].map((match) => Number(match[1]));
  const wrong = Math.abs(seen.length - lines) + seen.filter((value, index) => value !== index).length;
  return { ms: longestPause, wrong };
}

async function roundTrips(client: KernelClient): Promise<{ p50: number; p99: number }> {
  for (let run = 0; run < WARMUP; run++) await client.execute("1+1");
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await client.execute("1+1");
    times.push(performance.now() - started);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}
