// The model server as a file of this package, with the packages it loads: what a container image and a remote
// host's runtime carry so that `serve` runs there without the rest of tfjs-studio.

/** The server bundle (`tfjs-studio serve` alone), relative to the package root; its package root is found from it. */
export const SERVER_BUNDLE = "dist/cli/serve.js";

/** What SERVER_BUNDLE requires at run time; a test holds this list to the bundle. */
export const SERVER_PACKAGES = ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "fastify", "npyjs", "prom-client", "tar"] as const;
