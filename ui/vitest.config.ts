import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

// Component tests: Svelte's client build ("browser" condition) in happy-dom. The WebDriver tests (e2e/) are not
// vitest's: they drive the real window (npm run e2e).
export default mergeConfig(
  viteConfig,
  defineConfig({
    resolve: { conditions: ["browser"] },
    test: {
      environment: "happy-dom",
      include: ["src/**/*.test.ts"],
      setupFiles: ["src/test/setup.ts"],
      // Two cores shared with the Rust builds: a few workers are plenty.
      maxWorkers: 2,
    },
  }),
);
