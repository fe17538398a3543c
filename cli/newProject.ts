// `tfjs-studio new TEMPLATE DIR`: scaffolds a project from a template and says what to do next.
import * as path from "node:path";
import { UnknownTemplateError, formatTemplateList, listTemplates, scaffoldTemplate } from "../common/templateScaffold";
import { parseCommandLine, usageError } from "./commandLine";
import { ExitCode } from "./exitCodes";


function usage(): string {
  return `usage: tfjs-studio new TEMPLATE DIR

Copies a project template into DIR (created if needed). Files that already exist are never overwritten.
templates:
${formatTemplateList(listTemplates())}
`;
}

export function newProject(args: string[]): number {
  const commandLine = parseCommandLine("new", args, {}, usage);
  if (typeof commandLine === "number") return commandLine;
  const { positionals } = commandLine;
  if (positionals.length !== 2) return usageError("new", positionals.length < 2 ? "TEMPLATE and DIR are required" : `unexpected ${positionals.slice(2).join(" ")}`, usage);
  const [name, dir] = positionals;
  let files: string[];
  try {
    files = scaffoldTemplate(name, dir);
  } catch (error) {
    process.stderr.write(`tfjs-studio new: ${(error as Error).message}\n`);
    return error instanceof UnknownTemplateError ? ExitCode.Usage : ExitCode.Failed;
  }
  const notebook = files.find((file) => file.endsWith(".ipynb"));
  process.stdout.write(
    [
      `Created ${dir} from the ${name} template:`,
      ...files.map((file) => `  ${file}`),
      "",
      "Next steps:",
      `  cd ${quoteForShell(dir)}`,
      ...(notebook
        ? [`  code ${notebook}    (in VS Code, pick the "TypeScript (TF.js Studio)" kernel)`, `  tfjs-studio run ${notebook}    (or run every cell from the command line)`]
        : []),
      "  See README.md for its settings and data.",
      "",
    ].join("\n"),
  );
  return ExitCode.Ok;
}

function quoteForShell(dir: string): string {
  const shown = path.normalize(dir);
  return /^[\w./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
