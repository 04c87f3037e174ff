import { defineConfig } from 'vitest/config'

// One vitest run covers every workspace: tests sit beside the code they test.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.{ts,tsx}'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
