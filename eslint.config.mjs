// ESLint flat config: typescript-eslint's type-checked recommended rules over every TypeScript source tsconfig.json builds.
// Formatting is prettier's job (.prettierrc.json); these rule sets carry no formatting rules.
import eslint from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "node_modules/", "examples/**/node_modules/", "test/e2e/fixtures/fresh-project/"] },
  {
    files: ["**/*.ts"],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
);
