// SageMaker as a deploy provider: one region's clients behind the provider interface the commands use.
import type { CloudEndpoint, DeployOutcome, DeployProgress, DeployProvider } from "../deployProvider";
import { awsClients, closeAwsClients, type AwsClients } from "./awsClients";
import type { SageMakerDeployRequest } from "./deployRequest";
import { deployToSageMaker, type DeployTiming } from "./sageMakerDeploy";
import { deleteSageMakerEndpoint, listSageMakerEndpoints } from "./sageMakerInventory";

export class SageMakerProvider implements DeployProvider<SageMakerDeployRequest> {
  readonly name = "sagemaker";
  private readonly clients: AwsClients;

  constructor(
    readonly region: string,
    private readonly timing?: DeployTiming,
  ) {
    this.clients = awsClients(region);
  }

  deploy(request: SageMakerDeployRequest, progress: DeployProgress, signal?: AbortSignal): Promise<DeployOutcome> {
    return deployToSageMaker(this.clients, { ...request, region: this.region }, progress, signal, this.timing);
  }

  listEndpoints(): Promise<CloudEndpoint[]> {
    return listSageMakerEndpoints(this.clients);
  }

  deleteEndpoint(name: string, progress: DeployProgress): Promise<void> {
    return deleteSageMakerEndpoint(this.clients, name, progress);
  }

  close(): void {
    closeAwsClients(this.clients);
  }
}
