// The call a deploy makes once its endpoint is up: the example request serving.json implies (exampleRequest.ts),
// so that a deploy ends with a real prediction, or with why there is none.
import type { ServingManifest } from "../../protocol/servingManifest";
import { EndpointError, invokeEndpoint, type EndpointTarget } from "../invoke/endpointClient";
import { exampleRequest } from "../invoke/exampleRequest";
import { DeployError, type DeployOutcome } from "./deployProvider";

/** `state`: what the endpoint is though the call failed ("InService", "running"). */
export async function testInvocation(manifest: ServingManifest, target: EndpointTarget, endpointName: string, state: string): Promise<NonNullable<DeployOutcome["testInvocation"]>> {
  const example = exampleRequest(manifest);
  try {
    const response = await invokeEndpoint(target, example.contentType === "text/plain" ? { text: example.body } : { json: JSON.parse(example.body) });
    return { latencyMs: response.latencyMs, body: response.body };
  } catch (error) {
    if (!(error instanceof EndpointError)) throw error;
    throw new DeployError(`endpoint ${endpointName} is ${state}, but the test invocation failed: ${error.message}`, {}, { cause: error });
  }
}
