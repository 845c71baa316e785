import { defineConfig } from 'vite';

export default defineConfig(({ isSsrBuild }) => ({
  build: isSsrBuild
    ? { target: 'node20', outDir: 'dist/cli', emptyOutDir: true, rollupOptions: { output: { entryFileNames: 'main.js' } } }
    : { target: 'es2022', outDir: 'dist/app' },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
}));
