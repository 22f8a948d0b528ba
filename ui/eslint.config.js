import { readdirSync } from "node:fs";
import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Features do not import one another: what two features share lives in components/, jobs/ or
// queries.ts (the shell). One rule per feature, naming every other feature's folder.
const features = readdirSync(new URL("./src/features", import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const featureBoundaries = features.map((feature) => ({
  files: [`src/features/${feature}/**`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          { group: ["@tauri-apps/*"], message: "Import from src/backend instead." },
          {
            group: features.filter((f) => f !== feature).flatMap((f) => [`../${f}/*`, `../../features/${f}/*`, `**/features/${f}/*`]),
            message: "Features do not import one another: move what they share to components/ (or jobs/, queries.ts).",
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["dist", "src/backend/bindings"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // `onChange={(v) => update({ v })}` is how a form binds a field; a void in a shorthand
      // arrow is only confusing where its value is used, which the type checker already catches.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // The UI has one seam to the backend (design.md): only ui/src/backend may import Tauri.
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@tauri-apps/*"], message: "Import from src/backend instead." }] },
      ],
    },
  },
  ...featureBoundaries,
  {
    files: ["src/backend/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
