import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 30_000,
          globalSetup: ["test/unit/globalSetup.ts"],
        },
      },
      {
        // Real servers in the lab's network namespaces and the real Pulumi CLI: one file at a time,
        // because every file shares the one lab.
        test: {
          name: "lab",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          globalSetup: ["test/integration/globalSetup.ts"],
        },
      },
    ],
  },
});
