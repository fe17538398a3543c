// `tfjs-studio invoke URL --data FILE.json | --text "..."`: sends one request to an endpoint and prints the
// prediction (labels with probabilities when the model has labels) and the latency.
import * as fs from "node:fs";
import { EndpointError, invokeEndpoint, jsonRequest, parseEndpointTarget, type EndpointRequest } from "../serving/invoke/endpointClient";
import { formatPredictions } from "../serving/invoke/predictionReport";
import { parseCommandLine, usageError } from "./commandLine";
import { ExitCode } from "./exitCodes";

const USAGE = `usage: tfjs-studio invoke URL|ENDPOINT_NAME (--data FILE.json | --text "...") [--region REGION] [--json]

Sends one request to an endpoint and prints the prediction and the latency.
  URL            a local endpoint (tfjs-studio serve, the container): http://127.0.0.1:8080 calls SageMaker's
                 POST /invocations; a full URL such as http://127.0.0.1:8080/v1/models/NAME:predict that protocol
  ENDPOINT_NAME  a SageMaker endpoint, in --region (default: AWS_REGION), with the AWS SDK's credentials
  --data FILE    the JSON body: {"instances": [...]}, {"inputs": ...}, or a list of instances; - reads stdin;
                 or FILE.npy: one NumPy array with the batch first (numpy.save), sent as application/x-npy
  --text "..."   raw text, for a text model
  --json         print the endpoint's JSON answer as it is
`;

const OPTIONS = {
  data: { type: "string", short: "d" },
  text: { type: "string", short: "t" },
  json: { type: "boolean" },
  region: { type: "string" },
} as const;

export async function invokeModel(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("invoke", args, OPTIONS, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1) return usageError("invoke", positionals.length === 0 ? "URL is required" : `unexpected ${positionals.slice(1).join(" ")}`, () => USAGE);
  if ((values.data === undefined) === (values.text === undefined)) return usageError("invoke", "give --data FILE.json or --text, one of them", () => USAGE);
  try {
    const target = parseEndpointTarget(positionals[0], values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION);
    const request: EndpointRequest = values.text !== undefined ? { text: values.text } : readRequest(values.data!);
    const response = await invokeEndpoint(target, request);
    if (values.json) process.stdout.write(`${JSON.stringify(response.body)}\n`);
    else process.stdout.write(`${formatPredictions(response.body)}\n`);
    process.stderr.write(`${response.url}: ${response.status} in ${response.latencyMs.toFixed(1)} ms\n`);
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof EndpointError)) throw error;
    process.stderr.write(`tfjs-studio invoke: ${error.message}\n`);
    return ExitCode.Failed;
  }
}

function readRequest(file: string): EndpointRequest {
  try {
    if (file.endsWith(".npy")) return { npy: fs.readFileSync(file) };
    return jsonRequest(fs.readFileSync(file === "-" ? 0 : file, "utf8"), file);
  } catch (error) {
    if (error instanceof EndpointError) throw error;
    throw new EndpointError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}
