// `tfjs-studio endpoints` lists a region's SageMaker endpoints (ours first, with status, capacity and age), and
// `tfjs-studio delete-endpoint NAME` deletes one with its configuration, model and autoscaling, after a yes. With
// --ssh DEST both work on an SSH host's endpoints (`deploy ssh`) instead: running or stopped, and stop-and-remove.
import * as readline from "node:readline/promises";
import { DeployError, type CloudEndpoint, type DeployProvider } from "../serving/deploy/deployProvider";
import { SageMakerProvider } from "../serving/deploy/sagemaker/sageMakerProvider";
import { formatElapsed } from "../serving/deploy/sagemaker/sageMakerDeploy";
import { parseCommandLine, usageError } from "./commandLine";
import { ExitCode } from "./exitCodes";
import { lineProgress, printDeployError } from "./deployOutput";
import { sshHostProvider, SSH_HOST_OPTIONS, SSH_HOST_USAGE } from "./sshHostOptions";

const LIST_USAGE = `usage: tfjs-studio endpoints [--region REGION] [--all] [--json]
       tfjs-studio endpoints --ssh DESTINATION [--json]

Lists the SageMaker endpoints tfjs-studio deployed in a region, with status, capacity and age; --all lists the
others too. Live endpoints bill by the hour: delete what you no longer use with tfjs-studio delete-endpoint.
With --ssh, lists the endpoints tfjs-studio deploy ssh put on that host, running or stopped, with their address
there and uptime.
${SSH_HOST_USAGE}`;

const DELETE_USAGE = `usage: tfjs-studio delete-endpoint NAME [--region REGION] [--yes]
       tfjs-studio delete-endpoint NAME --ssh DESTINATION [--yes]

Deletes a SageMaker endpoint, its endpoint configuration, its model and its autoscaling. Asks first unless --yes.
With --ssh, stops the endpoint's server on that host (SIGTERM, then SIGKILL after 5 s) and removes its folder.
${SSH_HOST_USAGE}`;

const TARGET_OPTIONS = { region: { type: "string" }, ssh: { type: "string" }, ...SSH_HOST_OPTIONS } as const;

function regionOf(option: string | undefined): string | undefined {
  return option ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

/** The provider the options name (an SSH host, else a SageMaker region) and where that is, or what is missing. */
function endpointProvider(values: { region?: string; ssh?: string } & Parameters<typeof sshHostProvider>[1]): { provider: DeployProvider<never>; where: string; close(): void } | string {
  if (values.ssh !== undefined) {
    if (values.region !== undefined) return "give --ssh or --region, not both";
    try {
      const host = sshHostProvider(values.ssh, values);
      return { provider: host.provider, where: `on ${values.ssh}`, close: host.close };
    } catch (error) {
      return (error as Error).message;
    }
  }
  const region = regionOf(values.region);
  if (!region) return "--region is required (or AWS_REGION), or --ssh DESTINATION for an SSH host";
  const sageMaker = new SageMakerProvider(region);
  return { provider: sageMaker, where: `in ${region}`, close: () => sageMaker.close() };
}

export async function listEndpoints(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("endpoints", args, { ...TARGET_OPTIONS, all: { type: "boolean" }, json: { type: "boolean" } } as const, () => LIST_USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length > 0) return usageError("endpoints", `unexpected ${positionals.join(" ")}`, () => LIST_USAGE);
  const target = endpointProvider(values);
  if (typeof target === "string") return usageError("endpoints", target, () => LIST_USAGE);
  try {
    const endpoints = (await target.provider.listEndpoints()).filter((endpoint) => values.all || endpoint.ours);
    const kind = values.ssh !== undefined ? "endpoints" : `${values.all ? "" : "tfjs-studio "}SageMaker endpoints`;
    if (values.json) process.stdout.write(`${JSON.stringify(endpoints)}\n`);
    else process.stdout.write(endpoints.length === 0 ? `No ${kind} ${target.where}.\n` : `${endpoints.map(endpointLine).join("\n")}\n`);
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    printDeployError("endpoints", error);
    return ExitCode.Failed;
  } finally {
    target.close();
  }
}

function endpointLine(endpoint: CloudEndpoint): string {
  const address = endpoint.address ? `  ${endpoint.address}` : "";
  const age = endpoint.createdAt && endpoint.status !== "stopped" ? `, up ${formatElapsed(Date.now() - endpoint.createdAt.getTime())}` : "";
  return `${endpoint.name}  ${endpoint.status}  ${endpoint.capacity ?? "?"}  ${endpoint.location}${address}${age}${endpoint.ours ? "" : "  (not deployed by tfjs-studio)"}`;
}

export async function deleteEndpoint(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("delete-endpoint", args, { ...TARGET_OPTIONS, yes: { type: "boolean", short: "y" } } as const, () => DELETE_USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1) return usageError("delete-endpoint", positionals.length === 0 ? "NAME is required" : `unexpected ${positionals.slice(1).join(" ")}`, () => DELETE_USAGE);
  const [name] = positionals;
  const onHost = values.ssh !== undefined;
  if (!values.yes) {
    if (!process.stdin.isTTY) return usageError("delete-endpoint", "not a terminal to ask in: add --yes to delete without asking", () => DELETE_USAGE);
    const what = onHost ? `Stop endpoint ${name} on ${values.ssh} and remove its folder?` : `Delete SageMaker endpoint ${name} in ${regionOf(values.region) ?? "?"}, its configuration and its model?`;
    const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await prompt.question(`${what} [y/N] `);
    prompt.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stderr.write("Nothing deleted.\n");
      return ExitCode.Ok;
    }
  }
  const target = endpointProvider(values);
  if (typeof target === "string") return usageError("delete-endpoint", target, () => DELETE_USAGE);
  try {
    await target.provider.deleteEndpoint(name, lineProgress(process.stderr));
    process.stdout.write(onHost ? `Stopped endpoint ${name} ${target.where} and removed its folder.\n` : `Deleted endpoint ${name}, its configuration and its model.\n`);
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    printDeployError("delete-endpoint", error);
    return ExitCode.Failed;
  } finally {
    target.close();
  }
}
