// The webgpu package is an ES module: Node 20 loads it only through import(), by its file URL since it is found by path.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DawnModule } from "./dawnTypes";

export async function importDawn(webgpuDir: string): Promise<DawnModule> {
  return (await import(pathToFileURL(join(webgpuDir, "index.js")).href)) as DawnModule;
}
