// What a deploy target offers the commands: deploy a model package, list the endpoints it runs, delete one.
// SageMaker is the first (sagemaker/); another cloud or an SSH host implements the same, and the CLI and the
// extension work with it unchanged.

/** Where a long step is: the CLI prints it as a line, VS Code shows it in a progress notification. */
export interface DeployProgress {
  /** A step began, or moved on: `detail` is its state ("37%", "Creating, 2 min 10 s"). */
  report(step: string, detail?: string): void;
}

export interface CloudEndpoint {
  provider: string;
  name: string;
  /** The provider's own word: InService, Creating, Failed… */
  status: string;
  /** What it runs on: "ml.m5.large × 2", "serverless 2048 MB". */
  capacity?: string;
  createdAt?: Date;
  /** Where it lives: a region, a host. */
  location: string;
  /** Where a server on a host listens, as the host sees it: "127.0.0.1:8080". */
  address?: string;
  /** Created by tfjs-studio (tagged). */
  ours: boolean;
}

export interface DeployOutcome {
  endpoint: CloudEndpoint;
  /** "created" a new endpoint, or "updated" an existing one to the new model. */
  action: "created" | "updated";
  /** The test invocation after the endpoint came up. */
  testInvocation?: { latencyMs: number; body: unknown };
  /** Seconds each step took, as measured here. */
  stepSeconds: Record<string, number>;
}

/** A deploy, listing or delete that failed: the message says what happened and, where known, what to check. */
export class DeployError extends Error {
  override name = "DeployError";
  constructor(
    message: string,
    readonly details: { reason?: string; logLines?: string[]; hint?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The deploy was cancelled while it waited; what exists in the cloud is said in the message. */
export class DeployCancelled extends Error {
  override name = "DeployCancelled";
}

export interface DeployProvider<Request> {
  readonly name: string;
  deploy(request: Request, progress: DeployProgress, signal?: AbortSignal): Promise<DeployOutcome>;
  listEndpoints(): Promise<CloudEndpoint[]>;
  deleteEndpoint(name: string, progress: DeployProgress): Promise<void>;
}
