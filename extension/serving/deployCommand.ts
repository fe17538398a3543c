// "TF.js Studio: Deploy to SageMaker…" (also on a model.tar.gz or model.json in the explorer): asks for the
// settings with input boxes and quick picks, each checked as it is typed and remembered for this workspace, then
// runs `tfjs-studio deploy sagemaker --json` with its progress lines in a cancellable progress notification.
import * as vscode from "vscode";
import {
  bucketProblem,
  endpointNameProblem,
  imageProblem,
  instanceTypeProblem,
  regionProblem,
  roleArnProblem,
  SERVERLESS_MEMORY_CHOICES,
} from "../../serving/deploy/sagemaker/deployRequest";
import { formatPredictions } from "../../serving/invoke/predictionReport";
import type { CloudEndpoints } from "./cloudEndpoints";
import { defaultEndpointName, modelArgument, pickModel, runDeployCli } from "./deployRun";

export const DEPLOY_COMMAND = "tfjsStudio.deployToSageMaker";
const ANSWERS_KEY = "tfjsStudio.deploy.answers";
const REGIONS_KEY = "tfjsStudio.deploy.regions";
const INSTANCE_TYPES = ["ml.t2.medium", "ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge", "ml.c5.2xlarge", "ml.g4dn.xlarge"];

/** What the last deploy from this workspace was asked: the next one starts from it. */
interface DeployAnswers {
  name?: string;
  region?: string;
  bucket?: string;
  prefix?: string;
  role?: string;
  image?: string;
  capacity?: "real-time" | "serverless";
  instanceType?: string;
  instanceCount?: string;
  serverlessMemory?: string;
  serverlessConcurrency?: string;
  options?: string[];
  minInstances?: string;
  maxInstances?: string;
  targetInvocations?: string;
  subnets?: string;
  securityGroups?: string;
  kmsKey?: string;
}

/** The regions this workspace deployed to, for the Endpoints view. */
export function deployedRegions(state: vscode.Memento): string[] {
  const remembered = state.get<string[]>(REGIONS_KEY, []);
  const fromEnvironment = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return [...new Set([...remembered, ...(fromEnvironment ? [fromEnvironment] : [])])];
}

export function registerDeployCommand(context: vscode.ExtensionContext, cloud: CloudEndpoints, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(DEPLOY_COMMAND, async (resource?: unknown) => {
    try {
      const model = resource instanceof vscode.Uri ? resource : await pickModel("Deploy to SageMaker");
      if (!model) return;
      const answers = await askSettings(context.workspaceState.get<DeployAnswers>(ANSWERS_KEY, {}), model);
      if (!answers) return;
      await context.workspaceState.update(ANSWERS_KEY, answers);
      await context.workspaceState.update(REGIONS_KEY, [...new Set([answers.region!, ...context.workspaceState.get<string[]>(REGIONS_KEY, [])])]);
      await deploy(model, answers, log);
    } catch (error) {
      log.error(`Deploy to SageMaker: ${(error as Error).stack ?? String(error)}`);
      void vscode.window.showErrorMessage(`TF.js Studio: ${(error as Error).message}`);
    } finally {
      void cloud.refresh();
    }
  });
}

/** Asks every setting, starting from the remembered answers; undefined when the user cancels. */
async function askSettings(last: DeployAnswers, model: vscode.Uri): Promise<DeployAnswers | undefined> {
  const answers: DeployAnswers = { ...last };
  const title = "Deploy to SageMaker";
  const ask = async (key: keyof DeployAnswers, prompt: string, fallback: string, problem: (value: string) => string | undefined = () => undefined) => {
    const value = await vscode.window.showInputBox({ title, prompt, value: (answers[key] as string | undefined) ?? fallback, ignoreFocusOut: true, validateInput: (text) => problem(text.trim()) });
    if (value === undefined) return false;
    (answers[key] as string) = value.trim();
    return true;
  };
  if (!(await ask("name", "Endpoint name (1-63 letters, digits and hyphens)", defaultEndpointName(model), endpointNameProblem))) return undefined;
  if (!(await ask("region", "AWS region", process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1", regionProblem))) return undefined;
  if (!(await ask("bucket", `S3 bucket in ${answers.region} for the model package`, "", bucketProblem))) return undefined;
  if (!(await ask("prefix", "S3 key prefix for packages", "tfjs-studio", (text) => (text.startsWith("/") ? "the prefix must not start with /" : undefined)))) return undefined;
  if (!(await ask("role", "Execution role ARN SageMaker runs the model with", "", roleArnProblem))) return undefined;
  if (!(await ask("image", "Container image URI in Amazon ECR (built from Package Model's container context)", "", (text) => imageProblem(text, answers.region!)))) return undefined;

  const capacity = await vscode.window.showQuickPick(
    [
      { label: "Real-time", description: "instances that run all the time", capacity: "real-time" as const },
      { label: "Serverless", description: "scales to zero, pays per request; cold starts", capacity: "serverless" as const },
    ].map((item) => ({ ...item, picked: item.capacity === answers.capacity })),
    { title, placeHolder: "Real-time or serverless?", ignoreFocusOut: true },
  );
  if (!capacity) return undefined;
  answers.capacity = capacity.capacity;
  if (capacity.capacity === "real-time") {
    const types = [...new Set([answers.instanceType ?? "ml.m5.large", ...INSTANCE_TYPES])];
    const type = await vscode.window.showQuickPick([...types.map((label) => ({ label })), { label: "Other…" }], { title, placeHolder: "Instance type", ignoreFocusOut: true });
    if (!type) return undefined;
    if (type.label === "Other…") {
      if (!(await ask("instanceType", "Instance type", "ml.m5.large", instanceTypeProblem))) return undefined;
    } else {
      answers.instanceType = type.label;
    }
    if (!(await ask("instanceCount", "Instance count", "1", wholeNumber(1, 1000)))) return undefined;
  } else {
    const memory = await vscode.window.showQuickPick(SERVERLESS_MEMORY_CHOICES.map((mb) => ({ label: `${mb} MB`, mb })), { title, placeHolder: "Serverless memory", ignoreFocusOut: true });
    if (!memory) return undefined;
    answers.serverlessMemory = String(memory.mb);
    if (!(await ask("serverlessConcurrency", "Max concurrent invocations (1-200)", "5", wholeNumber(1, 200)))) return undefined;
  }

  const optionItems = [
    ...(capacity.capacity === "real-time" ? [{ label: "Autoscaling", description: "min and max instances, target invocations per instance" }] : []),
    { label: "VPC", description: "subnets and security groups" },
    { label: "KMS key", description: "encrypt the package and the endpoint's storage" },
    { label: "Network isolation", description: "no network access from the container" },
  ].map((item) => ({ ...item, picked: answers.options?.includes(item.label) ?? false }));
  const options = await vscode.window.showQuickPick(optionItems, { title, placeHolder: "Optional settings (Enter to deploy)", canPickMany: true, ignoreFocusOut: true });
  if (!options) return undefined;
  answers.options = options.map((option) => option.label);
  if (answers.options.includes("Autoscaling")) {
    if (!(await ask("minInstances", "Autoscaling: min instances", answers.instanceCount ?? "1", wholeNumber(1, 1000)))) return undefined;
    if (!(await ask("maxInstances", "Autoscaling: max instances", String(Math.max(2, Number(answers.minInstances))), wholeNumber(Number(answers.minInstances), 1000)))) return undefined;
    if (!(await ask("targetInvocations", "Autoscaling: target invocations a minute per instance", "100", wholeNumber(1, 1_000_000)))) return undefined;
  }
  if (answers.options.includes("VPC")) {
    if (!(await ask("subnets", "Subnet ids, comma-separated", "", idList("subnet-")))) return undefined;
    if (!(await ask("securityGroups", "Security group ids, comma-separated", "", idList("sg-")))) return undefined;
  }
  if (answers.options.includes("KMS key") && !(await ask("kmsKey", "KMS key id or ARN", "", (text) => (text ? undefined : "a key id or ARN is required")))) return undefined;
  return answers;
}

function wholeNumber(min: number, max: number): (text: string) => string | undefined {
  return (text) => (/^\d+$/.test(text) && Number(text) >= min && Number(text) <= max ? undefined : `a whole number from ${min} to ${max}`);
}

function idList(prefix: string): (text: string) => string | undefined {
  return (text) => {
    const ids = text.split(",").map((id) => id.trim()).filter(Boolean);
    const bad = ids.find((id) => !new RegExp(`^${prefix}[0-9a-f]+$`).test(id));
    if (ids.length === 0) return `one or more ${prefix}… ids`;
    return bad ? `"${bad}" is not a ${prefix}… id` : undefined;
  };
}

function commandLine(model: vscode.Uri, answers: DeployAnswers): string[] {
  const args = ["deploy", "sagemaker", modelArgument(model), "--json"];
  const add = (option: string, value: string | undefined) => void (value !== undefined && value !== "" && args.push(`--${option}`, value));
  add("name", answers.name);
  add("region", answers.region);
  add("bucket", answers.bucket);
  add("prefix", answers.prefix);
  add("role", answers.role);
  add("image", answers.image);
  if (answers.capacity === "real-time") {
    add("instance-type", answers.instanceType);
    add("instance-count", answers.instanceCount);
  } else {
    add("serverless-memory", answers.serverlessMemory);
    add("serverless-concurrency", answers.serverlessConcurrency);
  }
  const options = answers.options ?? [];
  if (options.includes("Autoscaling") && answers.capacity === "real-time") {
    add("min-instances", answers.minInstances);
    add("max-instances", answers.maxInstances);
    add("target-invocations", answers.targetInvocations);
  }
  if (options.includes("VPC")) {
    add("subnets", answers.subnets);
    add("security-groups", answers.securityGroups);
  }
  if (options.includes("KMS key")) add("kms-key", answers.kmsKey);
  if (options.includes("Network isolation")) args.push("--network-isolation");
  return args;
}

async function deploy(model: vscode.Uri, answers: DeployAnswers, log: vscode.LogOutputChannel): Promise<void> {
  const outcome = await runDeployCli(commandLine(model, answers), `Deploying ${answers.name} to SageMaker (${answers.region})`, model, log);
  if (!outcome) return;
  const test = outcome.testInvocation;
  const prediction = test ? `; test call ${test.latencyMs.toFixed(0)} ms: ${formatPredictions(test.body).split("\n")[0]}` : "";
  log.info(`Endpoint ${outcome.endpoint.name} ${outcome.action}${prediction}`);
  const show = "Show Endpoints";
  const answer = await vscode.window.showInformationMessage(`Endpoint ${outcome.endpoint.name} ${outcome.action} in ${outcome.endpoint.location} (${outcome.endpoint.capacity}), InService${prediction}.`, show);
  if (answer === show) await vscode.commands.executeCommand("tfjsStudio.endpoints.focus");
}
