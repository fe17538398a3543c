// What a SageMaker deploy needs, and the checks made before any call: each problem names the setting and the
// rule, so a typo costs nothing instead of a failed deploy ten minutes later.

export type Capacity =
  | { kind: "real-time"; instanceType: string; instanceCount: number }
  | { kind: "serverless"; memoryMb: number; maxConcurrency: number };

export interface Autoscaling {
  minInstances: number;
  maxInstances: number;
  /** Target tracking on SageMakerVariantInvocationsPerInstance (invocations a minute per instance). */
  targetInvocationsPerInstance: number;
}

export interface SageMakerDeployRequest {
  /** The model.tar.gz that `tfjs-studio package` wrote. */
  packagePath: string;
  endpointName: string;
  region: string;
  bucket: string;
  /** The S3 key prefix under which packages go ("" for the bucket's root). */
  prefix: string;
  roleArn: string;
  /** The container image in Amazon ECR (the one `tfjs-studio package --container` builds). */
  image: string;
  capacity: Capacity;
  autoscaling?: Autoscaling;
  vpc?: { subnets: string[]; securityGroups: string[] };
  /** Encrypts the uploaded package (SSE-KMS) and the endpoint's storage volume. */
  kmsKeyId?: string;
  networkIsolation: boolean;
}

/** SageMaker's EndpointName rule. */
export const ENDPOINT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ECR_IMAGE_PATTERN = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[\w.-]{1,128}|@sha256:[a-f0-9]{64})?$/;
const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
const SERVERLESS_MEMORY_MB = [1024, 2048, 3072, 4096, 5120, 6144];

export function endpointNameProblem(name: string): string | undefined {
  if (ENDPOINT_NAME_PATTERN.test(name)) return undefined;
  return `endpoint name "${name}" is not allowed: SageMaker takes 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit`;
}

export function regionProblem(region: string): string | undefined {
  return REGION_PATTERN.test(region) ? undefined : `region "${region}" is not an AWS region name, e.g. us-east-1`;
}

export function bucketProblem(bucket: string): string | undefined {
  return BUCKET_PATTERN.test(bucket) ? undefined : `bucket "${bucket}" is not an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens`;
}

export function roleArnProblem(roleArn: string): string | undefined {
  return ROLE_ARN_PATTERN.test(roleArn) ? undefined : `execution role "${roleArn}" is not an IAM role ARN, e.g. arn:aws:iam::123456789012:role/SageMakerExecution`;
}

export function imageProblem(image: string, region: string): string | undefined {
  const match = ECR_IMAGE_PATTERN.exec(image);
  if (!match) return `image "${image}" is not an Amazon ECR image URI, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/tfjs-studio:latest`;
  if (match[1] !== region) return `image ${image} is in ${match[1]}, but the endpoint goes to ${region}: SageMaker pulls images from its own region (push the image there, or deploy to ${match[1]})`;
  return undefined;
}

export function instanceTypeProblem(instanceType: string): string | undefined {
  return INSTANCE_TYPE_PATTERN.test(instanceType) ? undefined : `instance type "${instanceType}" is not a SageMaker instance type, e.g. ml.m5.large`;
}

export const SERVERLESS_MEMORY_CHOICES: readonly number[] = SERVERLESS_MEMORY_MB;

/** Every problem with the request, or none. */
export function deployRequestProblems(request: SageMakerDeployRequest): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => void (ok || problems.push(problem));
  for (const problem of [endpointNameProblem(request.endpointName), regionProblem(request.region), bucketProblem(request.bucket), roleArnProblem(request.roleArn), imageProblem(request.image, request.region)]) {
    if (problem) problems.push(problem);
  }
  check(!request.prefix.startsWith("/"), `prefix "${request.prefix}" must not start with "/"`);
  const { capacity } = request;
  if (capacity.kind === "real-time") {
    const typeProblem = instanceTypeProblem(capacity.instanceType);
    if (typeProblem) problems.push(typeProblem);
    check(Number.isInteger(capacity.instanceCount) && capacity.instanceCount >= 1, `instance count ${capacity.instanceCount} must be a whole number, 1 or more`);
  } else {
    check(SERVERLESS_MEMORY_MB.includes(capacity.memoryMb), `serverless memory ${capacity.memoryMb} MB must be one of ${SERVERLESS_MEMORY_MB.join(", ")}`);
    check(Number.isInteger(capacity.maxConcurrency) && capacity.maxConcurrency >= 1 && capacity.maxConcurrency <= 200, `serverless max concurrency ${capacity.maxConcurrency} must be a whole number from 1 to 200`);
  }
  const scaling = request.autoscaling;
  if (scaling) {
    check(capacity.kind === "real-time", "autoscaling is for real-time endpoints: a serverless endpoint scales by itself up to its max concurrency");
    check(Number.isInteger(scaling.minInstances) && scaling.minInstances >= 1, `autoscaling min instances ${scaling.minInstances} must be a whole number, 1 or more`);
    check(Number.isInteger(scaling.maxInstances) && scaling.maxInstances >= scaling.minInstances, `autoscaling max instances ${scaling.maxInstances} must be a whole number, at least the min (${scaling.minInstances})`);
    check(scaling.targetInvocationsPerInstance > 0, `autoscaling target ${scaling.targetInvocationsPerInstance} invocations per instance must be more than 0`);
  }
  const vpc = request.vpc;
  if (vpc) {
    check(vpc.subnets.length > 0 && vpc.securityGroups.length > 0, "a VPC needs both subnets and security groups");
    for (const subnet of vpc.subnets) check(/^subnet-[0-9a-f]+$/.test(subnet), `"${subnet}" is not a subnet id (subnet-…)`);
    for (const group of vpc.securityGroups) check(/^sg-[0-9a-f]+$/.test(group), `"${group}" is not a security group id (sg-…)`);
  }
  return problems;
}
