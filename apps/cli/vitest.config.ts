import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Each test starts the binary several times; on a loaded 2-core machine that takes seconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
