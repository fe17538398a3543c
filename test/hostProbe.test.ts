// The reading of the host probe's output (client/remote/hostProbe.ts): fixed lines for home, node, its version and
// npm, then one line per GPU as nvidia-smi's CSV gives it.
import assert from "node:assert/strict";
import { parseProbe } from "../client/remote/hostProbe";

describe("host probe output", () => {
  it("reads home, node, its version, npm and each GPU with its driver version", () => {
    const probe = parseProbe("/home/ada\n/usr/bin/node\nv20.11.1\n/usr/bin/npm\nNVIDIA H100 80GB HBM3, 535.104.05\nTesla V100-SXM2-16GB, 535.104.05\n");
    assert.deepEqual(probe, {
      home: "/home/ada",
      node: "/usr/bin/node",
      nodeVersion: "v20.11.1",
      npm: "/usr/bin/npm",
      gpus: [
        { name: "NVIDIA H100 80GB HBM3", driverVersion: "535.104.05" },
        { name: "Tesla V100-SXM2-16GB", driverVersion: "535.104.05" },
      ],
    });
  });

  it("keeps a comma inside a GPU's name, and reads a host without GPU, npm or node", () => {
    assert.deepEqual(parseProbe("/h\n/n\nv22.0.0\n\nGeForce RTX 4090, Founders, 550.54\n").gpus, [{ name: "GeForce RTX 4090, Founders", driverVersion: "550.54" }]);
    assert.deepEqual(parseProbe("/home/ada\n/usr/bin/node\nv20.11.1\n\n"), { home: "/home/ada", node: "/usr/bin/node", nodeVersion: "v20.11.1", npm: "", gpus: [] });
    assert.deepEqual(parseProbe("/home/ada\n\n\n\n"), { home: "/home/ada", node: "", nodeVersion: "", npm: "", gpus: [] });
  });
});
