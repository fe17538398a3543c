// The adapter probe's child process (see adapterProbe.ts): loads the webgpu package given as its argument, asks for
// the high-performance adapter, and prints its facts as JSON. Dawn's own warnings go to stderr.
import type { AdapterFacts } from "./adapterProbe";
import { isSoftwareAdapter } from "./adapterName";
import { importDawn } from "./importDawn";

async function main(): Promise<void> {
  const webgpuDir = process.argv[2];
  const dawn = await importDawn(webgpuDir);
  const adapter = await dawn.create([]).requestAdapter({ powerPreference: "high-performance" });
  const facts: AdapterFacts | undefined = adapter
    ? { description: adapter.info.description, vendor: adapter.info.vendor, architecture: adapter.info.architecture, device: adapter.info.device, fallback: isSoftwareAdapter(adapter.info) }
    : undefined;
  process.stdout.write(JSON.stringify({ adapter: facts }));
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
