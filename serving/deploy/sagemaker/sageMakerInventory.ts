// The SageMaker endpoints of a region, ours marked by their tag, and deleting one with everything it used: the
// endpoint, its configuration, its model and its autoscaling. Forgotten endpoints keep billing.
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListTagsCommand,
  paginateListEndpoints,
  type EndpointSummary,
} from "@aws-sdk/client-sagemaker";
import { DeregisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import { DeployError, type CloudEndpoint, type DeployProgress } from "../deployProvider";
import { awsErrorCode, type AwsClients } from "./awsClients";
import { endpointNameProblem } from "./deployRequest";
import { capacityText, scalableResourceId, TAG_CREATED_BY, TAG_CREATED_BY_VALUE } from "./sageMakerNames";

export async function listSageMakerEndpoints(clients: AwsClients): Promise<CloudEndpoint[]> {
  const summaries: EndpointSummary[] = [];
  try {
    for await (const page of paginateListEndpoints({ client: clients.sageMaker }, {})) summaries.push(...(page.Endpoints ?? []));
    return await Promise.all(summaries.map((summary) => describeListed(clients, summary)));
  } catch (error) {
    throw new DeployError(`cannot list the SageMaker endpoints of ${clients.region}: ${(error as Error).message}`, {}, { cause: error });
  }
}

async function describeListed(clients: AwsClients, summary: EndpointSummary): Promise<CloudEndpoint> {
  const name = summary.EndpointName!;
  const [tags, capacity] = await Promise.all([
    clients.sageMaker.send(new ListTagsCommand({ ResourceArn: summary.EndpointArn })).then((listed) => listed.Tags ?? []),
    endpointCapacity(clients, name),
  ]);
  return {
    provider: "sagemaker",
    name,
    status: summary.EndpointStatus ?? "Unknown",
    capacity,
    createdAt: summary.CreationTime,
    location: clients.region,
    ours: tags.some((tag) => tag.Key === TAG_CREATED_BY && tag.Value === TAG_CREATED_BY_VALUE),
  };
}

async function endpointCapacity(clients: AwsClients, name: string): Promise<string | undefined> {
  const described = await clients.sageMaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  const variant = described.ProductionVariants?.[0];
  if (variant?.CurrentServerlessConfig) {
    const { MemorySizeInMB = 0, MaxConcurrency = 0 } = variant.CurrentServerlessConfig;
    return capacityText({ kind: "serverless", memoryMb: MemorySizeInMB, maxConcurrency: MaxConcurrency });
  }
  const config = await clients.sageMaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: described.EndpointConfigName }));
  const configured = config.ProductionVariants?.[0];
  if (!configured?.InstanceType) return undefined;
  return capacityText({ kind: "real-time", instanceType: configured.InstanceType, instanceCount: variant?.CurrentInstanceCount ?? configured.InitialInstanceCount ?? 1 });
}

/** Deletes the endpoint, then its configuration and model(s), and its autoscaling target if it has one. */
export async function deleteSageMakerEndpoint(clients: AwsClients, name: string, progress: DeployProgress): Promise<void> {
  const nameProblem = endpointNameProblem(name);
  if (nameProblem) throw new DeployError(nameProblem);
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    progress.report(what);
    try {
      return await work();
    } catch (error) {
      if (error instanceof DeployError) throw error;
      throw new DeployError(`${what} failed: ${(error as Error).message}`, {}, { cause: error });
    }
  };
  const described = await attempt(`Looking up ${name}`, async () => {
    try {
      return await clients.sageMaker.send(new DescribeEndpointCommand({ EndpointName: name }));
    } catch (error) {
      if (awsErrorCode(error) === "ValidationException") throw new DeployError(`there is no SageMaker endpoint ${name} in ${clients.region}`, {}, { cause: error });
      throw error;
    }
  });
  const configName = described.EndpointConfigName!;
  const config = await attempt("Reading its configuration", () => clients.sageMaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })));
  await attempt("Removing autoscaling", async () => {
    try {
      await clients.autoScaling.send(new DeregisterScalableTargetCommand({ ServiceNamespace: "sagemaker", ResourceId: scalableResourceId(name), ScalableDimension: "sagemaker:variant:DesiredInstanceCount" }));
    } catch (error) {
      // Most endpoints have none.
      if (awsErrorCode(error) !== "ObjectNotFoundException") throw error;
    }
  });
  await attempt(`Deleting endpoint ${name}`, () => clients.sageMaker.send(new DeleteEndpointCommand({ EndpointName: name })));
  await attempt(`Deleting endpoint configuration ${configName}`, () => clients.sageMaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: configName })));
  for (const modelName of new Set((config.ProductionVariants ?? []).map((variant) => variant.ModelName!))) {
    await attempt(`Deleting model ${modelName}`, () => clients.sageMaker.send(new DeleteModelCommand({ ModelName: modelName })));
  }
}
