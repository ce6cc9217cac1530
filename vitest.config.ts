import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
        // The end-to-end tests load the real model; on 2 cores one file at a time keeps them honest and fast.
        fileParallelism: false,
        setupFiles: ["test/setup/liveInk.ts"],
        testTimeout: 30_000,
        hookTimeout: 120_000
    }
});
