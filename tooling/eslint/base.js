// Shared lint rules for every package: typescript-eslint's type-aware recommended set plus the
// house rules. Type-aware rules read each file's nearest tsconfig.json (the project service).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".turbo/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js"] },
        tsconfigRootDir: process.cwd(),
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // Storage adapters implement one async interface; SQLite's answer synchronously, and an `await`
      // added only to satisfy this rule would say nothing.
      "@typescript-eslint/require-await": "off",
      eqeqeq: ["error", "always"],
    },
  },
  // vitest's asymmetric matchers (expect.stringContaining and the like) are typed `any`.
  { files: ["**/*.test.ts", "**/*.test.tsx"], rules: { "@typescript-eslint/no-unsafe-assignment": "off" } },
  // Config files are plain JavaScript outside every tsconfig: no type information to lint with.
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
);
