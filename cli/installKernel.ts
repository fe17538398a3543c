// `tfjs-studio install-kernel`: writes our kernelspec where jupyter_client's KernelSpecManager looks for kernelspecs.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONNECTION_FILE_PLACEHOLDER } from "../client/kernelLauncher";
import { jupyterDataDir } from "../common/jupyterPaths";
import { packageRoot } from "../protocol/packageRoot";
import { toPng } from "../common/png";
import { parseCommandLine, usageError, type ParsedCommandLine } from "./commandLine";
import { KERNEL_DISPLAY_NAME, KERNEL_NAME } from "../protocol/languageInfo";
import { ExitCode } from "./exitCodes";

const USAGE = `usage: tfjs-studio install-kernel [--user | --sys-prefix | --prefix DIR] [--name NAME]

Installs the TypeScript (TF.js Studio) kernelspec for Jupyter.
  --user         in the per-user Jupyter data directory (default)
  --sys-prefix   in the share/jupyter of the Python running Jupyter ($JUPYTER_PYTHON, else python3)
  --prefix DIR   in DIR/share/jupyter
  --name NAME    kernelspec name (default: tfjs-studio)
`;

const OPTIONS = {
  user: { type: "boolean" },
  "sys-prefix": { type: "boolean" },
  prefix: { type: "string" },
  name: { type: "string" },
} as const;

/** jupyter_client's rule for kernel names. */
const KERNEL_NAME_PATTERN = /^[a-z0-9._-]+$/i;

type Location = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string };

export async function installKernel(args: string[]): Promise<number> {
  const commandLine = parseCommandLine("install-kernel", args, OPTIONS, () => USAGE);
  if (typeof commandLine === "number") return commandLine;
  const parsed = installArguments(commandLine);
  if (typeof parsed === "string") return usageError("install-kernel", parsed, () => USAGE);
  try {
    const destination = path.join(kernelsDir(parsed.location), parsed.name);
    writeKernelSpec(destination);
    process.stdout.write(`Installed kernelspec ${parsed.name} in ${destination}\n`);
    return ExitCode.Ok;
  } catch (error) {
    process.stderr.write(`tfjs-studio install-kernel: ${(error as Error).message}\n`);
    return ExitCode.Failed;
  }
}

function installArguments({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): { location: Location; name: string } | string {
  if (positionals.length > 0) return `unknown argument ${positionals[0]}`;
  const locations: Location[] = [];
  if (values.user) locations.push({ kind: "user" });
  if (values["sys-prefix"]) locations.push({ kind: "sys-prefix" });
  if (values.prefix !== undefined) {
    if (values.prefix === "") return "--prefix needs a directory";
    locations.push({ kind: "prefix", dir: path.resolve(values.prefix) });
  }
  if (locations.length > 1) return "give only one of --user, --sys-prefix and --prefix";
  const name = values.name ?? KERNEL_NAME;
  if (!KERNEL_NAME_PATTERN.test(name)) return `--name must be letters, digits, ".", "_" or "-", got ${name || "nothing"}`;
  return { location: locations[0] ?? { kind: "user" }, name };
}

function kernelsDir(location: Location): string {
  switch (location.kind) {
    case "user":
      return path.join(jupyterDataDir(), "kernels");
    case "sys-prefix":
      return path.join(pythonSysPrefix(), "share", "jupyter", "kernels");
    case "prefix":
      return path.join(location.dir, "share", "jupyter", "kernels");
  }
}

/** sys.prefix of the Python that runs Jupyter, which is where --sys-prefix puts kernelspecs. */
function pythonSysPrefix(): string {
  const python = process.env.JUPYTER_PYTHON || "python3";
  const result = spawnSync(python, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" });
  if (result.error) {
    throw new Error(`--sys-prefix needs Python to find sys.prefix, but ${python} cannot be run (${result.error.message}); set JUPYTER_PYTHON to the Python that runs Jupyter`);
  }
  const prefix = result.stdout.trim();
  if (result.status !== 0 || !prefix) throw new Error(`${python} could not print sys.prefix: ${result.stderr.trim() || `exit code ${result.status}`}`);
  return prefix;
}

/** Replaces the folder, as jupyter_client's install_kernel_spec does, so no stale files remain. */
function writeKernelSpec(destination: string): void {
  const spec = {
    argv: [process.execPath, path.join(packageRoot(), "bin", "tfjs-studio"), "kernel", "--connection-file", CONNECTION_FILE_PLACEHOLDER],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "message",
    metadata: { debugger: false },
  };
  fs.rmSync(destination, { recursive: true, force: true });
  fs.mkdirSync(destination, { recursive: true });
  fs.writeFileSync(path.join(destination, "kernel.json"), JSON.stringify(spec, null, 1) + "\n");
  fs.writeFileSync(path.join(destination, "logo-32x32.png"), logoPng(32));
  fs.writeFileSync(path.join(destination, "logo-64x64.png"), logoPng(64));
  fs.writeFileSync(path.join(destination, "logo-svg.svg"), logoSvg());
}

// The logo, on a 16×16 grid: an orange rounded square with a white "TF".
const GRID = 16;
const CORNER_RADIUS = 3;
const ORANGE = [0xff, 0x6f, 0x00];
const WHITE = [0xff, 0xff, 0xff];
const LETTER_RECTS = [
  { x: 2, y: 3.5, width: 6, height: 2 }, // T bar
  { x: 4, y: 5.5, width: 2, height: 7 }, // T stem
  { x: 9, y: 3.5, width: 2, height: 9 }, // F stem
  { x: 11, y: 3.5, width: 3, height: 2 }, // F top arm
  { x: 11, y: 7.5, width: 2, height: 2 }, // F middle arm
];

function logoSvg(): string {
  const letters = LETTER_RECTS.map((r) => `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}"/>`).join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${GRID} ${GRID}" width="64" height="64">` +
    `<rect width="${GRID}" height="${GRID}" rx="${CORNER_RADIUS}" fill="#ff6f00"/><g fill="#ffffff">${letters}</g></svg>\n`
  );
}

/** Colour of a point of the logo on the grid, or undefined outside it. */
function logoColour(x: number, y: number): number[] | undefined {
  const dx = Math.max(CORNER_RADIUS - x, x - (GRID - CORNER_RADIUS), 0);
  const dy = Math.max(CORNER_RADIUS - y, y - (GRID - CORNER_RADIUS), 0);
  if (dx * dx + dy * dy > CORNER_RADIUS * CORNER_RADIUS) return undefined;
  const inLetter = LETTER_RECTS.some((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
  return inLetter ? WHITE : ORANGE;
}

/** The logo as an RGBA PNG of size×size pixels, antialiased by averaging 4×4 samples per pixel. */
function logoPng(size: number): Buffer {
  const samples = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = logoColour(((px + (sx + 0.5) / samples) * GRID) / size, ((py + (sy + 0.5) / samples) * GRID) / size);
          if (!colour) continue;
          for (let c = 0; c < 3; c++) sum[c] += colour[c];
          sum[3]++;
        }
      }
      const offset = (py * size + px) * 4;
      // Colour is averaged over the covered samples only; coverage becomes alpha.
      for (let c = 0; c < 3; c++) rgba[offset + c] = sum[3] ? Math.round(sum[c] / sum[3]) : 0;
      rgba[offset + 3] = Math.round((sum[3] / (samples * samples)) * 255);
    }
  }
  return Buffer.from(toPng(rgba, size, size, 4));
}
