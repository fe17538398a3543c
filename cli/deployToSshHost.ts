// `tfjs-studio deploy ssh MODEL --host DEST --name NAME`: the model server on a machine of one's own, over SSH
// (sshHostProvider.ts), with a progress line a step, a test invocation through the SSH connection, and how to
// reach it from here afterwards.
import * as path from "node:path";
import type { DeployOutcome } from "../serving/deploy/deployProvider";
import { formatElapsed } from "../serving/deploy/sagemaker/sageMakerDeploy";
import { formatPredictions } from "../serving/invoke/predictionReport";
import { parseCommandLine, usageError } from "./commandLine";
import { runDeploy } from "./deployRunner";
import { DEFAULT_BIND, DEFAULT_HOST_PORT } from "./sshHostProvider";
import { sshCommandLine, sshHostProvider, SSH_HOST_OPTIONS, SSH_HOST_USAGE } from "./sshHostOptions";

const USAGE = `usage: tfjs-studio deploy ssh MODEL --host DESTINATION --name NAME [--port ${DEFAULT_HOST_PORT}] [--bind ${DEFAULT_BIND}] [options]

Runs MODEL (a model.tar.gz from tfjs-studio package, or a model folder, packaged first) on a machine of your own
with tfjs-studio serve, reached over SSH: the host needs Node 20+ and nothing else (the runtime is uploaded once
per version, as for remote kernels). The package goes to ~/.tfjs-studio/endpoints/NAME/ there and the server runs
detached, so it outlives this command; an endpoint of the same name is replaced (updated). /ping and one test
invocation are checked through the SSH connection.
  --host DESTINATION      ssh://user@host[:port], user@host[:port], or a Host of ~/.ssh/config
  --name NAME             the endpoint: 1-63 letters, digits and hyphens
  --port N                its port on the host (default ${DEFAULT_HOST_PORT})
  --bind ADDRESS          the address it listens on there (default ${DEFAULT_BIND}: the host only, reached
                          through ssh -L; 0.0.0.0 exposes it to the host's network, with no authentication)
  --backend NAME          the host's tfjs backend: tensorflow, cpu or wasm (default: the best it has)
${SSH_HOST_USAGE}  --json                  print the outcome, or the failure, as JSON
`;

const OPTIONS = {
  host: { type: "string" },
  name: { type: "string" },
  port: { type: "string" },
  bind: { type: "string" },
  backend: { type: "string" },
  ...SSH_HOST_OPTIONS,
  json: { type: "boolean" },
} as const;

export async function deployToSshHost(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("deploy ssh", args, OPTIONS, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  const fail = (problem: string) => usageError("deploy ssh", problem, () => USAGE);
  if (positionals.length !== 1) return fail(positionals.length === 0 ? "MODEL is required" : `unexpected ${positionals.slice(1).join(" ")}`);
  const missing = (["host", "name"] as const).filter((option) => !values[option]).map((option) => `--${option}`);
  if (missing.length > 0) return fail(`${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} required`);
  const port = values.port === undefined ? DEFAULT_HOST_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`--port ${values.port} must be a whole number from 1 to 65535`);
  let host: ReturnType<typeof sshHostProvider>;
  try {
    host = sshHostProvider(values.host!, values);
  } catch (error) {
    return fail((error as Error).message);
  }
  const bind = values.bind ?? DEFAULT_BIND;
  const request = { packagePath: path.resolve(positionals[0]), name: values.name!, port, bind, backend: values.backend };
  const print = (outcome: DeployOutcome, elapsedMs: number) => {
    const { endpoint, testInvocation } = outcome;
    const where = host.destination.label;
    const lines = [`Endpoint ${endpoint.name} ${outcome.action} on ${where} (${endpoint.capacity}), listening on ${bind}:${port} there, after ${formatElapsed(elapsedMs)}`];
    if (testInvocation) lines.push(`Test invocation, ${testInvocation.latencyMs.toFixed(0)} ms:`, formatPredictions(testInvocation.body));
    const remote = bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : bind;
    lines.push(
      "Reach it from this machine through SSH:",
      `  ${sshCommandLine(host.destination)} -N -L ${port}:${remote.includes(":") ? `[${remote}]` : remote}:${port}`,
      `  tfjs-studio invoke http://127.0.0.1:${port} --data FILE.json`,
    );
    if (bind !== "127.0.0.1" && bind !== "::1") lines.push(`It listens on ${bind} of ${where}: anyone who reaches that port can call it (there is no authentication).`);
    lines.push(`List with: tfjs-studio endpoints --ssh ${where}`, `Stop and delete it with: tfjs-studio delete-endpoint ${endpoint.name} --ssh ${where}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  };
  try {
    return await runDeploy({ provider: host.provider, request, json: values.json === true, print });
  } finally {
    host.close();
  }
}
