// ESLint flat config: typescript-eslint's type-checked recommended rules over every TypeScript source tsconfig.json builds.
// Formatting is prettier's job (.prettierrc.json); these rule sets carry no formatting rules.
import eslint from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "node_modules/", "examples/**/node_modules/", "test/e2e/fixtures/fresh-project/"] },
  {
    files: ["**/*.ts", "**/*.mts"],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // tsc reports unused locals and parameters (noUnusedLocals, noUnusedParameters in tsconfig.json) and, unlike this
      // rule's defaults, accepts the `_`-named siblings a destructuring leaves out on purpose.
      "@typescript-eslint/no-unused-vars": "off",
      // `async` on a function that implements a Promise-returning contract (a Pulumi dynamic provider method, a CLI
      // Command's run, a waitFor probe, a mocha callback) is kept without an await: a throw then becomes a rejection.
      "@typescript-eslint/require-await": "off",
      // The package is CommonJS; require() is used where a module is loaded at run time by a computed path or only when
      // needed (the dynamic provider's methods, which Pulumi serializes; the image builder outside the SDK; koffi for
      // TCP-MD5; compiled example programs and Pulumi internals in tests). Static imports are used everywhere else.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
);
