// `tfjs-studio` command line: kernel, install-kernel, run, new.
import { installKernel } from "./cli/installKernel";
import { newProject } from "./cli/newProject";
import { runNotebook } from "./cli/runNotebook";
import { runKernel } from "./kernelMain";
import { packageVersion } from "./packageRoot";

const USAGE = `usage: tfjs-studio <command> [options]

commands:
  kernel --connection-file FILE     start the Jupyter kernel (Jupyter runs this for you)
  install-kernel [--user | --sys-prefix | --prefix DIR]
                                    register the "tfjs-studio" kernelspec with Jupyter
  run NOTEBOOK.ipynb [--output OUT.ipynb] [--timeout SECONDS] [--force]
                                    execute every cell and save the outputs
  new TEMPLATE DIR                  start a project from a template (mnist-mlp, mnist-cnn, lstm-text-classification)
  --version                         print the version
`;

async function main(args: string[]): Promise<number | undefined> {
  const [command, ...rest] = args;
  switch (command) {
    case "kernel": {
      const index = rest.findIndex((a) => a === "--connection-file" || a === "-f");
      const file = index >= 0 ? rest[index + 1] : rest.find((a) => a.startsWith("--connection-file="))?.split("=")[1];
      if (!file) {
        process.stderr.write("tfjs-studio kernel: --connection-file FILE is required\n");
        return 2;
      }
      await runKernel(file);
      return undefined; // keeps running until shutdown
    }
    case "install-kernel":
      return installKernel(rest);
    case "run":
      return runNotebook(rest);
    case "new":
      return newProject(rest);
    case "--version":
    case "-v":
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    case "--help":
    case "-h":
    case undefined:
      process.stdout.write(USAGE);
      return command ? 0 : 2;
    default:
      process.stderr.write(`tfjs-studio: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`tfjs-studio: ${error.message}\n`);
    process.exitCode = 1;
  },
);
