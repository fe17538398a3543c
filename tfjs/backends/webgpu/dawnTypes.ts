// The parts of the webgpu package (Dawn's Node binding) and of WebGPU that the kernel uses. Declared here because
// the package is optional: the build must not depend on its type declarations.

export interface DawnAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}

export interface DawnDevice {
  destroy(): void;
  readonly lost: Promise<{ reason: string; message: string }>;
}

export interface DawnAdapter {
  readonly info: DawnAdapterInfo;
  readonly limits: Readonly<Record<string, number>>;
  readonly features: ReadonlySet<string>;
  requestDevice(descriptor?: { requiredFeatures?: string[]; requiredLimits?: Record<string, number> }): Promise<DawnDevice>;
}

export interface DawnGpu {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<DawnAdapter | null>;
}

export interface DawnModule {
  create(flags: string[]): DawnGpu;
  /** GPUBufferUsage, GPUMapMode and the other WebGPU globals a browser has, which tfjs' WebGPU backend reads. */
  globals: Record<string, unknown>;
}
