// `tfjs-studio serve MODEL`: the model server on one port, with SageMaker's contract, TensorFlow Serving's REST API
// and the Open Inference Protocol v2, until Ctrl-C or SIGTERM, which let the requests in flight finish first.
import { startModelServer } from "../serving/server/modelServer";
import { readyLine } from "../serving/server/readyLine";
import { parseCommandLine, usageError } from "./commandLine";
import { ExitCode } from "./exitCodes";

const USAGE = `usage: tfjs-studio serve MODEL.tar.gz|MODEL_DIR [--port 8080] [--host 127.0.0.1] [--max-batch 32] [--max-delay-ms 5]

Serves a model from tfjs-studio package (or a model folder) on the best backend this machine has:
  GET  /ping, POST /invocations                     SageMaker's container contract (JSON, application/x-npy,
                                                     or text/plain for a text model)
  GET  /v1/models/NAME[/metadata], POST /v1/models/NAME[/versions/V]:predict
                                                     TensorFlow Serving's REST API
  GET  /v2/health/ready, /v2/models/NAME, POST /v2/models/NAME/infer
                                                     Open Inference Protocol v2 (KServe)
  GET  /metrics                                      Prometheus metrics
  --port N          the port (default 8080; 0 picks a free one)
  --host H          the address to listen on (default 127.0.0.1: this machine only)
  --max-batch N     requests arriving together are predicted together, up to N instances (default 32)
  --max-delay-ms N  how long the first request of a batch waits for others (default 5)
`;

const OPTIONS = {
  port: { type: "string", short: "p" },
  host: { type: "string" },
  "max-batch": { type: "string" },
  "max-delay-ms": { type: "string" },
} as const;

export async function serveModel(args: string[]): Promise<number | undefined> {
  const commandLine = parseCommandLine("serve", args, OPTIONS, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1) return usageError("serve", positionals.length === 0 ? "MODEL is required" : `unexpected ${positionals.slice(1).join(" ")}`, () => USAGE);
  const numbers = { port: [values.port, 8080, 0, 65535], maxBatch: [values["max-batch"], 32, 1, 4096], maxDelayMs: [values["max-delay-ms"], 5, 0, 10_000] } as const;
  const parsed: Record<string, number> = {};
  for (const [key, [text, fallback, min, max]] of Object.entries(numbers)) {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(value) || value < min || value > max) return usageError("serve", `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${text} must be a whole number from ${min} to ${max}`, () => USAGE);
    parsed[key] = value;
  }
  const server = await startModelServer({
    source: positionals[0],
    host: values.host ?? "127.0.0.1",
    port: parsed.port,
    maxBatch: parsed.maxBatch,
    maxDelayMs: parsed.maxDelayMs,
    backend: process.env.TFJS_STUDIO_BACKEND,
  });
  process.stderr.write(`tfjs-studio serve: listening on ${server.url}; loading the model…\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`tfjs-studio serve: ${signal}: finishing the requests in flight, then stopping\n`);
    void server.close().then(() => (process.exitCode = ExitCode.Ok));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  try {
    const model = await server.loaded;
    const { name, version } = model.manifest;
    process.stderr.write(`tfjs-studio serve: ${readyLine({ name, version, backend: model.backend, url: server.url })}\n`);
  } catch (error) {
    process.stderr.write(`tfjs-studio serve: ${(error as Error).message}\n`);
    await server.close();
    return ExitCode.Failed;
  }
  return undefined; // serves until a signal
}
