// `tfjs-studio new TEMPLATE DIR`: scaffolds a project from a template and says what to do next.
import * as path from "node:path";
import { UnknownTemplateError, formatTemplateList, listTemplates, scaffoldTemplate } from "../templates/scaffold";

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function usage(): string {
  return `usage: tfjs-studio new TEMPLATE DIR

Copies a project template into DIR (created if needed). Files that already exist are never overwritten.
templates:
${formatTemplateList(listTemplates())}
`;
}

export function newProject(args: string[]): number {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage());
    return EXIT_OK;
  }
  const unknownOption = args.find((arg) => arg.startsWith("-"));
  if (unknownOption || args.length !== 2) {
    const problem = unknownOption ? `unknown option ${unknownOption}` : args.length < 2 ? "TEMPLATE and DIR are required" : `unexpected ${args.slice(2).join(" ")}`;
    process.stderr.write(`tfjs-studio new: ${problem}\n${usage()}`);
    return EXIT_USAGE;
  }
  const [name, dir] = args;
  let files: string[];
  try {
    files = scaffoldTemplate(name, dir);
  } catch (error) {
    process.stderr.write(`tfjs-studio new: ${(error as Error).message}\n`);
    return error instanceof UnknownTemplateError ? EXIT_USAGE : EXIT_FAILED;
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
  return EXIT_OK;
}

function quoteForShell(dir: string): string {
  const shown = path.normalize(dir);
  return /^[\w./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
