// Runs a command as the process's main: it sets the exit code the command returns, or prints its error on one
// line and exits with ExitCode.Failed. Returning undefined leaves the process running (a kernel, a server).
import { ExitCode } from "./exitCodes";

export function runMain(name: string, main: () => Promise<number | undefined>): void {
  main().then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = ExitCode.Failed;
    },
  );
}
