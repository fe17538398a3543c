// What a failed deploy tells the user: SageMaker's FailureReason, the last lines the container logged, and a hint
// for the causes users keep meeting, each of which SageMaker words obscurely.
import { DescribeLogStreamsCommand, GetLogEventsCommand, type CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";

const HINTS: { matches: RegExp; hint: (roleArn: string) => string }[] = [
  {
    matches: /could not load credentials/i,
    hint: () => "no AWS credentials were found: run aws configure (or aws sso login with AWS_PROFILE set), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
  },
  {
    matches: /iam:PassRole/i,
    hint: (role) => `the credentials may not hand the execution role to SageMaker: they need iam:PassRole on ${role} (for the service sagemaker.amazonaws.com).`,
  },
  {
    matches: /could not access model data/i,
    hint: (role) => `SageMaker could not read model.tar.gz from S3: ${role} needs s3:GetObject on it (and kms:Decrypt when a KMS key encrypts it), its trust policy must let sagemaker.amazonaws.com assume it, and the bucket must be in the endpoint's region.`,
  },
  {
    matches: /ping|health check/i,
    hint: () => "the container did not answer GET /ping with 200 in time. Check that model.json sits at the root of model.tar.gz (as tfjs-studio package writes it), that the image serves on port 8080 when run with the \"serve\" argument (the Dockerfile of tfjs-studio package --container does), and how long the model takes to load: the logs above show when the server said it was ready.",
  },
  {
    matches: /image|ECR|pull/i,
    hint: (role) => `SageMaker could not pull the container image: it must exist in Amazon ECR in the endpoint's region, and ${role} needs ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer.`,
  },
];

export function failureHint(text: string, roleArn: string): string | undefined {
  return HINTS.find(({ matches }) => matches.test(text))?.hint(roleArn);
}

/** The log group SageMaker writes an endpoint's container output to. */
export function endpointLogGroup(endpointName: string): string {
  return `/aws/sagemaker/Endpoints/${endpointName}`;
}

/** The last `count` lines of the endpoint's most recent log stream; none when there is no log (yet) or no access. */
export async function recentLogLines(logs: CloudWatchLogsClient, endpointName: string, count = 20): Promise<string[]> {
  const logGroupName = endpointLogGroup(endpointName);
  try {
    const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName, orderBy: "LastEventTime", descending: true, limit: 1 }));
    const logStreamName = logStreams?.[0]?.logStreamName;
    if (!logStreamName) return [];
    const { events } = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: false, limit: count }));
    return (events ?? []).map((event) => event.message?.trimEnd() ?? "");
  } catch {
    // The logs only explain a failure already reported; missing ones must not hide it.
    return [];
  }
}
