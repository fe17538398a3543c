// `tfjs-studio deploy sagemaker MODEL ...`: packages a model folder if needed, then deploys it to a SageMaker
// endpoint with a progress line a step, and prints the test invocation. Ctrl-C stops waiting and says what is
// left in the cloud. `deploy ssh` is deployToSshHost.ts.
import * as path from "node:path";
import { formatPredictions } from "../serving/invoke/predictionReport";
import type { DeployOutcome } from "../serving/deploy/deployProvider";
import type { Capacity, SageMakerDeployRequest } from "../serving/deploy/sagemaker/deployRequest";
import { SageMakerProvider } from "../serving/deploy/sagemaker/sageMakerProvider";
import { formatElapsed } from "../serving/deploy/sagemaker/sageMakerDeploy";
import { parseCommandLine, usageError } from "./commandLine";
import { runDeploy } from "./deployRunner";
import { deployToSshHost } from "./deployToSshHost";

const USAGE = `usage: tfjs-studio deploy sagemaker MODEL --name NAME --region REGION --bucket BUCKET --role ROLE_ARN --image IMAGE_URI
         (--instance-type TYPE [--instance-count N] | --serverless-memory MB [--serverless-concurrency N]) [options]

Uploads MODEL (a model.tar.gz from tfjs-studio package, or a model folder, packaged first) to S3 and deploys it to
a SageMaker endpoint: a new one, or an existing one updated to the new model. Waits until it is InService, then
calls it once and prints the prediction. Credentials and endpoints come from the AWS SDK's usual configuration
(environment, ~/.aws profiles, SSO; AWS_ENDPOINT_URL_<SERVICE>).
  --name NAME                  the endpoint: 1-63 letters, digits and hyphens
  --region REGION              e.g. us-east-1 (default: AWS_REGION)
  --bucket BUCKET              an S3 bucket in that region; --prefix P puts packages under P/
  --role ROLE_ARN              the execution role SageMaker runs the model with
  --image IMAGE_URI            the container in Amazon ECR (build it from tfjs-studio package --container)
  --instance-type TYPE         real-time, e.g. ml.m5.large; --instance-count N (default 1)
  --serverless-memory MB       serverless: 1024-6144 in steps of 1024; --serverless-concurrency N (default 5)
  --min-instances N --max-instances N --target-invocations N
                               autoscaling (real-time): target tracking on invocations a minute per instance
  --subnets ID,ID --security-groups ID,ID   run in a VPC
  --kms-key KEY                encrypt the package in S3 and the endpoint's storage
  --network-isolation          no network access from the container
  --json                       print the outcome, or the failure, as JSON
To run a model on a machine of your own over SSH instead: tfjs-studio deploy ssh --help
`;

const OPTIONS = {
  name: { type: "string" },
  region: { type: "string" },
  bucket: { type: "string" },
  prefix: { type: "string" },
  role: { type: "string" },
  image: { type: "string" },
  "instance-type": { type: "string" },
  "instance-count": { type: "string" },
  "serverless-memory": { type: "string" },
  "serverless-concurrency": { type: "string" },
  "min-instances": { type: "string" },
  "max-instances": { type: "string" },
  "target-invocations": { type: "string" },
  subnets: { type: "string" },
  "security-groups": { type: "string" },
  "kms-key": { type: "string" },
  "network-isolation": { type: "boolean" },
  json: { type: "boolean" },
} as const;

type Values = Exclude<ReturnType<typeof parseCommandLine<typeof OPTIONS>>, number>["values"];

export async function deployModel(args: string[]): Promise<number> {
  const [provider, ...rest] = args;
  if (provider === "--help" || provider === "-h") return parseCommandLine("deploy", ["--help"], OPTIONS, () => USAGE) as number;
  if (provider === "ssh") return deployToSshHost(rest);
  if (provider !== "sagemaker") return usageError("deploy", provider ? `unknown target "${provider}" (deploy sagemaker or deploy ssh)` : "the target is required: deploy sagemaker … or deploy ssh …", () => USAGE);
  const commandLine = parseCommandLine("deploy sagemaker", rest, OPTIONS, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1) return usageError("deploy sagemaker", positionals.length === 0 ? "MODEL is required" : `unexpected ${positionals.slice(1).join(" ")}`, () => USAGE);
  const parsed = deployRequest(positionals[0], values);
  if (typeof parsed === "string") return usageError("deploy sagemaker", parsed, () => USAGE);

  const sageMaker = new SageMakerProvider(parsed.region);
  try {
    return await runDeploy({ provider: sageMaker, request: parsed, json: values.json === true, print: printOutcome });
  } finally {
    sageMaker.close();
  }
}

/** The request, or what is wrong with the command line. The values themselves are checked by the provider. */
function deployRequest(model: string, values: Values): SageMakerDeployRequest | string {
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const required = { name: values.name, region, bucket: values.bucket, role: values.role, image: values.image };
  const missing = Object.entries(required).filter(([, value]) => !value).map(([option]) => `--${option}`);
  if (missing.length > 0) return `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} required`;
  const realTime = values["instance-type"] !== undefined;
  const serverless = values["serverless-memory"] !== undefined;
  if (realTime === serverless) return "give --instance-type (real-time) or --serverless-memory (serverless), one of them";
  const numbers: Record<string, number> = {};
  for (const option of ["instance-count", "serverless-memory", "serverless-concurrency", "min-instances", "max-instances", "target-invocations"] as const) {
    const text = values[option];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isFinite(value)) return `--${option} ${text} is not a number`;
    numbers[option] = value;
  }
  const capacity: Capacity = realTime
    ? { kind: "real-time", instanceType: values["instance-type"]!, instanceCount: numbers["instance-count"] ?? 1 }
    : { kind: "serverless", memoryMb: numbers["serverless-memory"], maxConcurrency: numbers["serverless-concurrency"] ?? 5 };
  const scalingGiven = ["min-instances", "max-instances", "target-invocations"].filter((option) => option in numbers);
  if (scalingGiven.length > 0 && scalingGiven.length < 3) return "autoscaling needs --min-instances, --max-instances and --target-invocations together";
  const list = (text: string | undefined) => (text ?? "").split(",").map((item) => item.trim()).filter(Boolean);
  const vpcGiven = values.subnets !== undefined || values["security-groups"] !== undefined;
  return {
    packagePath: path.resolve(model),
    endpointName: values.name!,
    region: region!,
    bucket: values.bucket!,
    prefix: values.prefix ?? "tfjs-studio",
    roleArn: values.role!,
    image: values.image!,
    capacity,
    ...(scalingGiven.length === 3 ? { autoscaling: { minInstances: numbers["min-instances"], maxInstances: numbers["max-instances"], targetInvocationsPerInstance: numbers["target-invocations"] } } : {}),
    ...(vpcGiven ? { vpc: { subnets: list(values.subnets), securityGroups: list(values["security-groups"]) } } : {}),
    ...(values["kms-key"] ? { kmsKeyId: values["kms-key"] } : {}),
    networkIsolation: values["network-isolation"] === true,
  };
}

function printOutcome(outcome: DeployOutcome, elapsedMs: number): void {
  const { endpoint, testInvocation } = outcome;
  process.stdout.write(`Endpoint ${endpoint.name} ${outcome.action} in ${endpoint.location} (${endpoint.capacity}): ${endpoint.status} after ${formatElapsed(elapsedMs)}\n`);
  if (testInvocation) {
    process.stdout.write(`Test invocation, ${testInvocation.latencyMs.toFixed(0)} ms:\n${formatPredictions(testInvocation.body)}\n`);
  }
  process.stdout.write(`Call it with: tfjs-studio invoke ${endpoint.name} --region ${endpoint.location} --data FILE.json\n`);
  process.stdout.write(`Delete it with: tfjs-studio delete-endpoint ${endpoint.name} --region ${endpoint.location}\n`);
}
