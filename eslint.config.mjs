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
    },
  },
  {
    files: ["**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // TypeScript checks names itself, with the right lib per project (DOM for webviews, Node elsewhere).
    files: ["**/*.ts"],
    rules: { "no-undef": "off" },
  },
);
