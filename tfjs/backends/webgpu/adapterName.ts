// What to call an adapter. Dawn's `description` is the driver ("NVIDIA: 570.86", "llvmpipe: Mesa 25.0.7"), and its
// `device` is the device's name made an identifier ("NVIDIA H200" is "nvidia-h200"), so the name a user knows comes
// from nvidia-smi where it lists the same device.

/** The device's name, e.g. "NVIDIA H200", else Dawn's identifier for it. */
export function adapterName(info: { device: string; description: string; vendor: string }, knownNames: readonly string[] = []): string {
  const id = asIdentifier(info.device);
  return knownNames.find((name) => id !== "" && asIdentifier(name) === id) ?? (id || info.description.trim() || info.vendor.trim() || "an unnamed adapter");
}

/** Dawn marks CPU adapters as fallbacks; a driver that does not say so is known by its name. */
export function isSoftwareAdapter(info: { device: string; description: string; isFallbackAdapter?: boolean }): boolean {
  return Boolean(info.isFallbackAdapter) || /llvmpipe|lavapipe|swiftshader/i.test(`${info.device} ${info.description}`);
}

function asIdentifier(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
