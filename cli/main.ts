// `tfjs-studio` command line: kernel, install-kernel, run, new, package, serve, invoke, deploy, endpoints,
// delete-endpoint.
// Each command's module is loaded when that command runs: loading them all (the AWS SDK, fastify, ...) added a
// quarter of a second to every kernel start.
import { ExitCode } from "./exitCodes";
import { runMain } from "./runMain";
import { packageVersion } from "../protocol/packageRoot";

const USAGE = `usage: tfjs-studio <command> [options]

commands:
  kernel --connection-file FILE     start the Jupyter kernel (Jupyter runs this for you)
  install-kernel [--user | --sys-prefix | --prefix DIR]
                                    register the "tfjs-studio" kernelspec with Jupyter
  run NOTEBOOK.ipynb [--output OUT.ipynb] [--timeout SECONDS] [--force]
                                    execute every cell and save the outputs
  new TEMPLATE DIR                  start a project from a template (mnist-mlp, mnist-cnn, lstm-text-classification)
  package MODEL_DIR [--out FILE]    check a saved model and write model.tar.gz with serving.json
  serve MODEL [--port 8080]         serve a model.tar.gz or model folder over HTTP (SageMaker, TF Serving, v2)
  invoke URL|NAME --data F | --text T
                                    call an endpoint (local, or SageMaker by name) and print the prediction
  connect ssh://user@host[:port]     run a kernel on another machine over SSH, for any Jupyter client here
  deploy sagemaker MODEL --name N …  deploy a model to a SageMaker endpoint, with progress and a test call
  deploy ssh MODEL --host DEST --name N
                                    run a model's server on your own machine over SSH, with a test call
  endpoints [--region R | --ssh DEST]
                                    list the SageMaker endpoints tfjs-studio deployed, or an SSH host's
  delete-endpoint NAME [--region R | --ssh DEST]
                                    delete an endpoint with its configuration and model, or stop and remove it
  --version                         print the version

Each command takes --help.
`;

async function main(args: string[]): Promise<number | undefined> {
  const [command, ...rest] = args;
  switch (command) {
    case "kernel":
      return (await import("./kernelCommand")).startKernel(rest);
    case "install-kernel":
      return (await import("./installKernel")).installKernel(rest);
    case "run":
      return (await import("./runNotebook")).runNotebook(rest);
    case "new":
      return (await import("./newProject")).newProject(rest);
    case "package":
      return (await import("./packageModel")).packageModel(rest);
    case "serve":
      return (await import("./serveModel")).serveModel(rest);
    case "invoke":
      return (await import("./invokeEndpoint")).invokeModel(rest);
    case "connect":
      return (await import("./connectRemote")).connectRemote(rest);
    case "deploy":
      return (await import("./deployModel")).deployModel(rest);
    case "endpoints":
      return (await import("./cloudEndpoints")).listEndpoints(rest);
    case "delete-endpoint":
      return (await import("./cloudEndpoints")).deleteEndpoint(rest);
    case "--version":
    case "-v":
      process.stdout.write(`${packageVersion()}\n`);
      return ExitCode.Ok;
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return ExitCode.Ok;
    case undefined:
      process.stderr.write(USAGE);
      return ExitCode.Usage;
    default:
      process.stderr.write(`tfjs-studio: unknown command "${command}"\n\n${USAGE}`);
      return ExitCode.Usage;
  }
}

runMain("tfjs-studio", () => main(process.argv.slice(2)));
