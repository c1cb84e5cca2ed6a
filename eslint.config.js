import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'renderer/dist/**', 'node_modules/**', 'test/artifacts/**', 'release/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Electron stays in the shell and the entry points (ARCHITECTURE.md).
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Import electron only in src/shell, src/main.ts and src/preload.ts.' }] }],
    },
  },
  {
    files: ['src/shell/**', 'src/main.ts', 'src/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
