// What the GPU offer says (client/remote/remoteGpu.ts): the GPUs in a few words, and the CUDA/cuDNN situation.
import assert from "node:assert/strict";
import { cudaSituation, gpuNames, gpuOfferQuestion } from "../client/remote/remoteGpu";
import type { HostGpuReport } from "../protocol/hostGpuReport";

const report = (over: Partial<HostGpuReport>): HostGpuReport => ({ requirement: "CUDA 11.2 and cuDNN 8.1", driverFound: true, missing: [], description: "", ...over });

describe("the GPU offer's words", () => {
  it("names the GPUs once each, counting the same model, with NVIDIA in front once", () => {
    assert.equal(gpuNames([{ name: "NVIDIA H100 80GB HBM3", driverVersion: "535" }]), "NVIDIA H100 80GB HBM3");
    assert.equal(gpuNames([{ name: "Tesla T4", driverVersion: "535" }, { name: "Tesla T4", driverVersion: "535" }]), "2× NVIDIA Tesla T4");
    assert.equal(gpuNames(["Tesla T4", "NVIDIA A10", "NVIDIA L4"].map((name) => ({ name, driverVersion: "" }))), "NVIDIA Tesla T4, NVIDIA A10 and NVIDIA L4");
  });

  it("says what the host lacks, or that it has everything", () => {
    assert.equal(cudaSituation(report({ missing: ["libcudart.so.11.0", "libcudnn.so.8"] })), "libcudart.so.11.0, libcudnn.so.8 not found");
    assert.equal(cudaSituation(report({ driverFound: false, missing: ["libcudnn.so.8"] })), "no NVIDIA driver library found; libcudnn.so.8 not found");
    assert.equal(cudaSituation(report({})), "all found there");
    const offer = { host: "gpu-box", gpus: [{ name: "NVIDIA A100-SXM4-40GB", driverVersion: "535" }], report: report({ missing: ["libcudnn.so.8"] }), packageSpec: "@tensorflow/tfjs-node-gpu@4.22.0", folder: "/home/ada/.tfjs-studio/native/4.22.0" };
    assert.equal(gpuOfferQuestion(offer), "NVIDIA A100-SXM4-40GB found on gpu-box. Install @tensorflow/tfjs-node-gpu there? (needs CUDA 11.2 and cuDNN 8.1: libcudnn.so.8 not found)");
  });
});
