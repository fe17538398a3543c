// Types of the in-kernel modules, seen by every notebook cell.

declare module "tfjs-studio" {
  export interface DisplayOptions {
    /** Show under this id, so that later updates replace it. */
    displayId?: string;
    /** Replace the output already shown under displayId instead of adding one. */
    update?: boolean;
    metadata?: Record<string, unknown>;
  }
  export interface DisplayHandle {
    readonly displayId: string;
    /**
     * Replaces this output, wherever it is in the notebook. A handle from a typed helper keeps its kind:
     * `display.markdown("…").update("**done**")` shows Markdown, `display.png(…).update(bytes)` a PNG. Anything
     * else is shown as `display(value)` shows it.
     */
    update(value: unknown): void;
  }
  type Bytes = Uint8Array | string;
  /**
   * Shows a value as rich output. Objects with a `[Symbol.for("Jupyter.display")]()` method
   * returning a MIME bundle are shown as that bundle; other values as text.
   */
  export const display: {
    (value: unknown, options?: DisplayOptions): DisplayHandle;
    html(html: string, options?: DisplayOptions): DisplayHandle;
    markdown(markdown: string, options?: DisplayOptions): DisplayHandle;
    text(text: string, options?: DisplayOptions): DisplayHandle;
    svg(svg: string, options?: DisplayOptions): DisplayHandle;
    latex(latex: string, options?: DisplayOptions): DisplayHandle;
    javascript(code: string, options?: DisplayOptions): DisplayHandle;
    /** PNG bytes, or a base64 string. */
    png(bytes: Bytes, options?: DisplayOptions): DisplayHandle;
    jpeg(bytes: Bytes, options?: DisplayOptions): DisplayHandle;
    gif(bytes: Bytes, options?: DisplayOptions): DisplayHandle;
    pdf(bytes: Bytes, options?: DisplayOptions): DisplayHandle;
    json(value: unknown, options?: DisplayOptions): DisplayHandle;
    /** A Vega-Lite v5 specification. */
    vegaLite(spec: object, options?: DisplayOptions): DisplayHandle;
    /** A MIME bundle shown as given, e.g. `{ "text/html": "<b>hi</b>" }`. */
    bundle(bundle: Record<string, unknown>, options?: DisplayOptions): DisplayHandle;
  };
  /** Clears the cell's output; with `wait`, only when the next output arrives (no flicker). */
  export function clearOutput(options?: { wait?: boolean }): void;
  /** Asks the user for a line of text in the frontend. */
  export function input(prompt?: string, options?: { password?: boolean }): Promise<string>;
  export interface DisplayBundle {
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }
  /** Shows values that the formatter recognises as the bundle it returns; later registrations win. Returns an unregister function. */
  export function registerDisplayFormatter(formatter: (value: unknown) => DisplayBundle | Record<string, unknown> | undefined): () => void;
  export interface MetricsCallbackOptions {
    /** Names the run (default: the model's name). */
    name?: string;
    /** At most one display update per this many ms; at least 100 are used (10 updates a second). */
    throttleMs?: number;
    /** Where runs are written (default: $TFJS_STUDIO_RUNS_DIR, else `runs/` next to the notebook). */
    runsDir?: string;
    /** false: this fit shows no live metrics and writes no run log. */
    enabled?: boolean;
  }
  /**
   * Live metrics (application/vnd.tfjs-studio.metrics+json, updated as training goes) and a run log
   * (runs/<run-id>/metrics.jsonl and run.json) for one fit: `model.fit(x, y, { callbacks: [metricsCallback({ name: "baseline" })] })`.
   * Every fit gets them without it, unless `trainingMetrics.disable()` or TFJS_STUDIO_METRICS=off;
   * `metricsCallback({ enabled: false })` turns them off for one fit.
   */
  export function metricsCallback(options?: MetricsCallbackOptions): Callback;
  /**
   * tfjs' tf.Callback, declared by its shape (tfjs' own types as any), so that this module does not make every
   * cell's type check load all of tfjs' declarations. It is assignable to tf.Callback and to fit's `callbacks`.
   */
  export interface Callback {
    model: any;
    validationData: any;
    params: any;
    setParams(params: any): void;
    setModel(model: any): void;
    onEpochBegin(epoch: number, logs?: any): Promise<void>;
    onEpochEnd(epoch: number, logs?: any): Promise<void>;
    onBatchBegin(batch: number, logs?: any): Promise<void>;
    onBatchEnd(batch: number, logs?: any): Promise<void>;
    onTrainBegin(logs?: any): Promise<void>;
    onTrainEnd(logs?: any): Promise<void>;
  }
  /** The automatic live metrics of fit and fitDataset, on unless TFJS_STUDIO_METRICS=off. */
  export const trainingMetrics: {
    enabled: boolean;
    enable(): void;
    disable(): void;
  };
  export type CommData = Record<string, unknown>;
  export interface Comm {
    readonly commId: string;
    readonly targetName: string;
    readonly closed: boolean;
    send(data?: CommData, metadata?: Record<string, unknown>, buffers?: Uint8Array[]): void;
    close(data?: CommData): void;
    onMessage(handler: (data: CommData, message: unknown) => void): () => void;
    onClose(handler: (data: CommData) => void): () => void;
  }
  /** Handles comms the frontend opens with this target name. Returns an unregister function. */
  export function registerCommTarget(targetName: string, handler: (comm: Comm, data: CommData, message: unknown) => void): () => void;
  /** Opens a comm to a target registered in the frontend. */
  export function openComm(targetName: string, data?: CommData, metadata?: Record<string, unknown>): Comm;
  export interface DownloadOptions {
    /** Expected sha256 (hex): checked after the download, and on the cached copy before it is used. */
    sha256?: string;
    /** What the progress display calls the file (default: its name). */
    label?: string;
    /** Appended to network errors, e.g. how to use a local copy instead. */
    offlineHint?: string;
  }
  /**
   * Downloads `url` to `dest` unless it is already there, and returns the file's absolute path.
   * A relative `dest` is inside cacheDir(). Shows progress, retries network failures, writes to a
   * `.part` file renamed when complete, and deletes a download whose sha256 does not match.
   * Failures throw a DownloadError that ends with `offlineHint`.
   */
  export function downloadFile(url: string, dest: string, options?: DownloadOptions): Promise<string>;
  /** Where downloads are kept: $TFJS_STUDIO_CACHE, else $XDG_CACHE_HOME/tfjs-studio, else ~/.cache/tfjs-studio. */
  export function cacheDir(): string;
  /** A download that failed for good: the network, the server, or the checksum. */
  export class DownloadError extends Error {}
  /** Encodes width × height pixels (bytes 0–255, `channels` per pixel, row by row) as PNG bytes; show them with display.png. */
  export function toPng(pixels: ArrayLike<number>, width: number, height: number, channels?: 1 | 3 | 4): Uint8Array;
  /**
   * Encodes an image tensor, shape [height, width] or [height, width, 1|3|4], as PNG bytes. Float values
   * are taken to be in [0, 1], integers in [0, 255]; `scale` enlarges each pixel to scale × scale.
   */
  export function tensorToPng(tensor: { readonly shape: number[]; readonly dtype: string; dataSync(): ArrayLike<number> }, options?: { scale?: number }): Uint8Array;
  /** The kernel's backend choice: gpu (tfjs-node-gpu), webgpu (WebGPU through Dawn), node (tfjs-node), wasm or cpu. */
  export type BackendId = "gpu" | "webgpu" | "node" | "wasm" | "cpu";
  /**
   * The tfjs that cells share: its backend, version and devices, and why better backends were
   * skipped. As a cell's last expression it shows as a table. TFJS_STUDIO_BACKEND forces a backend.
   */
  export const runtime: {
    readonly status: "loading" | "ready" | "failed";
    readonly backend: BackendId | undefined;
    /** tf.getBackend(): "tensorflow", "webgpu", "wasm" or "cpu". */
    readonly tfjsBackend: string | undefined;
    /** e.g. "wasm (SIMD, 1 thread)" or "GPU: NVIDIA T4 (@tensorflow/tfjs-node-gpu)". */
    readonly description: string | undefined;
    /** The @tensorflow/tfjs version. */
    readonly version: string | undefined;
    readonly devices: readonly string[];
    readonly simd: boolean | undefined;
    /** The wasm backend's threads (TFJS_STUDIO_THREADS, else the physical cores). */
    readonly threads: number | undefined;
    /** Why `threads` is fewer than asked, e.g. "threads unavailable: <reason>". */
    readonly threadsNote: string | undefined;
    /** The TFJS_STUDIO_BACKEND value that forced the choice. */
    readonly forced: string | undefined;
    /** Better backends that were not used, and why. */
    readonly skipped: readonly { backend: BackendId; reason: string }[];
    /** Why tfjs is unavailable, when status is "failed". */
    readonly error: string | undefined;
    /** One line: "TensorFlow.js 4.22.0 on wasm (SIMD, 1 thread)". */
    toString(): string;
  };
}

declare module "tslab" {
  export interface Display {
    javascript(s: string): void;
    html(s: string): void;
    markdown(s: string): void;
    latex(s: string): void;
    svg(s: string): void;
    png(b: Uint8Array): void;
    jpeg(b: Uint8Array): void;
    gif(b: Uint8Array): void;
    pdf(b: Uint8Array): void;
    text(s: string): void;
    raw(contentType: string, b: string | Uint8Array): void;
  }
  /** A Display whose every call replaces its own previous output. */
  export function newDisplay(): Display;
  export const display: Display;
  export const versions: { tslab: string; typescript: string; node: string };
}
