// Bundles TypeScript from the package for a benchmark, into .cache/bench/NAME.cjs next to the package, so
// that the bundle finds the package's own node_modules (zeromq, tfjs) and its root.
import * as esbuild from "esbuild";
import * as path from "node:path";

/** `source` is esbuild's entryPoints or stdin option; returns the bundle's path. */
export async function bundleForBench(root, name, source) {
  const outfile = path.join(root, ".cache", "bench", `${name}.cjs`);
  await esbuild.build({ ...source, bundle: true, platform: "node", target: "node20", format: "cjs", packages: "external", logLevel: "warning", outfile });
  return outfile;
}
