// Names and tags every SageMaker resource of ours carries, so that listing finds them and nothing is forgotten.
import type { Capacity } from "./deployRequest";

export const TAG_CREATED_BY = "created-by";
export const TAG_CREATED_BY_VALUE = "tfjs-studio";
export const TAG_CREATED_AT = "created-at";
/** The one production variant of our endpoint configurations. */
export const VARIANT_NAME = "AllTraffic";

/** Application Auto Scaling's id of the endpoint's variant. */
export function scalableResourceId(endpointName: string): string {
  return `endpoint/${endpointName}/variant/${VARIANT_NAME}`;
}

export function capacityText(capacity: Capacity): string {
  return capacity.kind === "real-time" ? `${capacity.instanceType} × ${capacity.instanceCount}` : `serverless ${capacity.memoryMb} MB, ${capacity.maxConcurrency} concurrent`;
}
