// `tfjs-studio endpoints` lists a region's SageMaker endpoints (ours first, with status, capacity and age), and
// `tfjs-studio delete-endpoint NAME` deletes one with its configuration, model and autoscaling, after a yes.
import * as readline from "node:readline/promises";
import { DeployError, type CloudEndpoint } from "../serving/deploy/deployProvider";
import { SageMakerProvider } from "../serving/deploy/sagemaker/sageMakerProvider";
import { formatElapsed } from "../serving/deploy/sagemaker/sageMakerDeploy";
import { parseCommandLine, usageError } from "./commandLine";
import { ExitCode } from "./exitCodes";
import { lineProgress, printDeployError } from "./deployOutput";

const LIST_USAGE = `usage: tfjs-studio endpoints [--region REGION] [--all] [--json]

Lists the SageMaker endpoints tfjs-studio deployed in a region, with status, capacity and age; --all lists the
others too. Live endpoints bill by the hour: delete what you no longer use with tfjs-studio delete-endpoint.
`;

const DELETE_USAGE = `usage: tfjs-studio delete-endpoint NAME [--region REGION] [--yes]

Deletes a SageMaker endpoint, its endpoint configuration, its model and its autoscaling. Asks first unless --yes.
`;

function regionOf(option: string | undefined): string | undefined {
  return option ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

export async function listEndpoints(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("endpoints", args, { region: { type: "string" }, all: { type: "boolean" }, json: { type: "boolean" } } as const, () => LIST_USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length > 0) return usageError("endpoints", `unexpected ${positionals.join(" ")}`, () => LIST_USAGE);
  const region = regionOf(values.region);
  if (!region) return usageError("endpoints", "--region is required (or AWS_REGION)", () => LIST_USAGE);
  const sageMaker = new SageMakerProvider(region);
  try {
    const endpoints = (await sageMaker.listEndpoints()).filter((endpoint) => values.all || endpoint.ours);
    if (values.json) process.stdout.write(`${JSON.stringify(endpoints)}\n`);
    else process.stdout.write(endpoints.length === 0 ? `No ${values.all ? "" : "tfjs-studio "}SageMaker endpoints in ${region}.\n` : `${endpoints.map(endpointLine).join("\n")}\n`);
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    printDeployError("endpoints", error);
    return ExitCode.Failed;
  } finally {
    sageMaker.close();
  }
}

function endpointLine(endpoint: CloudEndpoint): string {
  const age = endpoint.createdAt ? `, up ${formatElapsed(Date.now() - endpoint.createdAt.getTime())}` : "";
  return `${endpoint.name}  ${endpoint.status}  ${endpoint.capacity ?? "?"}  ${endpoint.location}${age}${endpoint.ours ? "" : "  (not deployed by tfjs-studio)"}`;
}

export async function deleteEndpoint(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("delete-endpoint", args, { region: { type: "string" }, yes: { type: "boolean", short: "y" } } as const, () => DELETE_USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1) return usageError("delete-endpoint", positionals.length === 0 ? "NAME is required" : `unexpected ${positionals.slice(1).join(" ")}`, () => DELETE_USAGE);
  const region = regionOf(values.region);
  if (!region) return usageError("delete-endpoint", "--region is required (or AWS_REGION)", () => DELETE_USAGE);
  const [name] = positionals;
  if (!values.yes) {
    if (!process.stdin.isTTY) return usageError("delete-endpoint", "not a terminal to ask in: add --yes to delete without asking", () => DELETE_USAGE);
    const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await prompt.question(`Delete SageMaker endpoint ${name} in ${region}, its configuration and its model? [y/N] `);
    prompt.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stderr.write("Nothing deleted.\n");
      return ExitCode.Ok;
    }
  }
  const sageMaker = new SageMakerProvider(region);
  try {
    await sageMaker.deleteEndpoint(name, lineProgress(process.stderr));
    process.stdout.write(`Deleted endpoint ${name}, its configuration and its model.\n`);
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    printDeployError("delete-endpoint", error);
    return ExitCode.Failed;
  } finally {
    sageMaker.close();
  }
}
