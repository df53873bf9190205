// Lint rules (STYLE.md "Toolchain"): type-aware typescript-eslint, no floating promises,
// type-only imports marked as such, and no import cycles.
import js from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.sedano/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test() and describe() return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'import/no-cycle': 'error',
      // Handlers and cleanups implement async interfaces; many need no await of their own.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The dashboard's modules run in the browser (services/gateway/ui/).
    files: ['services/gateway/ui/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          ...['window', 'document', 'location', 'sessionStorage', 'fetch', 'console', 'URLSearchParams', 'FormData'],
          ...['AbortController', 'TextDecoderStream', 'addEventListener', 'removeEventListener', 'URL', 'Blob'],
          ...['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
