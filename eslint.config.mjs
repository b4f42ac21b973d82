// Flat config: typescript-eslint's recommended rules, plus the layering rule the architecture depends on.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': [
    'error',
    { paths: [{ name: 'vscode', message: 'Only src/extension/ may import vscode.' }] },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tools/**', 'webpack.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/extension/**'], rules: noVscode },
  {
    // The engine is pure: no SDKs, no I/O, no clock.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', 'fs', 'http', 'https', 'net', 'child_process'],
          patterns: ['@azure/*', '@aws-sdk/*', 'node:*', '../cloud/*', '../grants/*', '../localcloud/*'],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The engine takes time as a parameter.' },
      ],
    },
  },
);
