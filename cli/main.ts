// `tfjs-studio` command line: kernel, install-kernel, run, new, package, serve, invoke, deploy, endpoints,
// delete-endpoint.
import { connectRemote } from "./connectRemote";
import { installKernel } from "./installKernel";
import { startKernel } from "./kernelCommand";
import { invokeModel } from "./invokeEndpoint";
import { deployModel } from "./deployModel";
import { deleteEndpoint, listEndpoints } from "./cloudEndpoints";
import { newProject } from "./newProject";
import { packageModel } from "./packageModel";
import { serveModel } from "./serveModel";
import { ExitCode } from "./exitCodes";
import { runMain } from "./runMain";
import { runNotebook } from "./runNotebook";
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
      return startKernel(rest);
    case "install-kernel":
      return installKernel(rest);
    case "run":
      return runNotebook(rest);
    case "new":
      return newProject(rest);
    case "package":
      return packageModel(rest);
    case "serve":
      return serveModel(rest);
    case "invoke":
      return invokeModel(rest);
    case "connect":
      return connectRemote(rest);
    case "deploy":
      return deployModel(rest);
    case "endpoints":
      return listEndpoints(rest);
    case "delete-endpoint":
      return deleteEndpoint(rest);
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
