// Flat config. The one architectural rule that matters most: only the VS Code adapter layer
// (src/extension) and the extension-host tests may import 'vscode'. Everything else is plain
// Node or browser code and is unit tested without VS Code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: 'vscode',
          message:
            "Only src/extension (the VS Code adapters) and test/integration may import 'vscode'. Move this code into the adapter layer, or pass in what it needs.",
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', 'test-results/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      parserOptions: { projectService: false, project: null },
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', fetch: 'readonly', AbortController: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' },
    },
  },
  {
    files: ['src/**/*.ts', 'test/unit/**/*.ts', 'test/e2e/**/*.ts', 'test/bench/**/*.ts'],
    ignores: ['src/extension/**'],
    rules: noVscode,
  },
);
