// The exit codes of every `tfjs-studio` command.
export const ExitCode = {
  Ok: 0,
  /** The work failed: a cell, a kernel, a file. */
  Failed: 1,
  /** The command line was wrong; the usage is printed. */
  Usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT), as shells report it. */
  Interrupted: 130,
} as const;
