// Parses one command's arguments with node:util's parseArgs, and answers --help and bad usage the same way for
// every command: the usage on stdout for --help, the problem and the usage on stderr otherwise.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ExitCode } from "./exitCodes";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedCommandLine<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>["values"];
  positionals: string[];
}

/** The parsed arguments, or the exit code when --help or a usage error has been answered. */
export function parseCommandLine<O extends Options>(command: string, args: string[], options: O, usage: () => string): ParsedCommandLine<O> | number {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage());
    return ExitCode.Ok;
  }
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    return usageError(command, (error as Error).message, usage);
  }
}

/** Says what is wrong with the command line, then the usage; returns the usage exit code. */
export function usageError(command: string, problem: string, usage: () => string): number {
  process.stderr.write(`tfjs-studio ${command}: ${problem}\n${usage()}`);
  return ExitCode.Usage;
}
