// Lint, in `npm test`: promises that are started and never awaited or handled, and promises passed
// where a plain value is expected (an async event handler whose failure nobody would see). Only the
// type-aware rules that catch bugs; formatting is left as it is.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '.bench/**', '.eval/**', '.train/**', 'public/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'eval/**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
