import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  // The window loads the built files from the app bundle; nothing is fetched at run time.
  base: "./",
  clearScreen: false,
  server: { port: 1420, strictPort: true, fs: { allow: [".", "../icons"] } },
  // The manifest lets scripts/first-screen-size.mjs weigh what the first screen loads.
  build: { target: "safari16", outDir: "dist", emptyOutDir: true, manifest: true },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
