// typescript-eslint's type-checked recommended rules over every folder (`npm run lint`, part of `npm test`).
// Each rule turned off or tuned below says why.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".cache/", "test-results/", "bench/results/", "**/*.d.ts"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each .ts file is checked with the tsconfig.json nearest to it (the root one, webviews/, templates/);
        // the few plain-JavaScript build and config files are checked without types (see below).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Unused arguments named _x keep a callback's documented signature.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Shapes, numbers and flags read well in messages as they are; unknown and object values still need a String().
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowArray: true, allowNullish: true }],
      // An async function that implements a Promise-returning interface (tfjs callbacks and IO handlers, VS Code's
      // serializers) stays async without an await, so that a throw in it becomes a rejection the caller handles.
      "@typescript-eslint/require-await": "off",
      // Optional or heavy packages (tfjs and its backends, TypeScript, a package.json) are loaded lazily with
      // require at run time, on purpose: the kernel starts before they load, and a missing one is reported.
      "@typescript-eslint/no-require-imports": "off",
      // The methods taken off objects here either never use `this` (ts.sys, tfjs ops, WebAssembly.validate) or are
      // called back with .call(this) (the patched tfjs prototypes); the rule cannot tell those apart from a bug.
      "@typescript-eslint/unbound-method": "off",
      // Async handlers of message ports, workers and DOM events are the idiom here; each catches what it can
      // report, and the rest reaches the process's unhandled-rejection report, as a void-wrapped call would.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, variables: false } }],
      // A variable that callbacks made before it is assigned will read (wiring that refers to itself) stays a let.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ["**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // Code the benchmark runs inside Chromium's page.
    files: ["bench/support/liveChartsPage.mjs", "bench/liveCharts.bench.mjs"],
    languageOptions: { globals: globals.browser },
  },
  {
    // Tests and benchmarks read replies, outputs and files as parsed JSON and poke at them: the assertions are
    // their type checks, so typing every intermediate value would only add casts.
    files: ["test/**", "bench/**"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Template tests type-check the templates' code, which imports the in-kernel module that only this
      // declaration file describes (it is no module of its own to import).
      "@typescript-eslint/triple-slash-reference": ["error", { path: "always" }],
    },
  },
  {
    // TypeScript checks names itself, with the right lib per project (DOM for webviews, Node elsewhere).
    files: ["**/*.ts"],
    rules: { "no-undef": "off" },
  },
);
