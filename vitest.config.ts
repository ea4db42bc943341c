import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "forks",
    // one temporary root per run, removed at the end (test/helpers/temp-root.ts)
    globalSetup: ["test/helpers/temp-root.ts"],
  },
});
