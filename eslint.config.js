// ESLint flat config: TypeScript sources (type-aware rules kept light), build scripts, and
// the editor scripts extracted from the generated .html files (browser, RED and jQuery globals).
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', '.node-red-user/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      // Node-RED node constructors keep `this` as `node` for their handlers.
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['.editor-lint/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { RED: 'readonly', $: 'readonly', window: 'readonly', document: 'readonly', console: 'readonly' },
    },
    rules: { 'no-var': 'off', '@typescript-eslint/no-unused-vars': 'off', '@typescript-eslint/no-this-alias': 'off' },
  },
  prettier,
);
