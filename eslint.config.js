import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layering rules: what each part of the tree may import. A leak of server code into the browser bundle
// only fails at runtime with the classic compiler, so it is checked here instead.
const appImports = { group: ['~/*', '**/app/*', '**/app/**'], message: 'This layer imports nothing from app/.' };
const dbImports = { group: ['**/db/*', '**/db/**'], message: 'The sandbox imports nothing from db/.' };
const serverModules = { group: ['*.server', '**/*.server', '*.server.ts', '**/*.server.ts'], message: 'Components run in the browser: no .server modules.' };

export default tseslint.config(
  {
    ignores: ['build/**', 'public/build/**', 'node_modules/**', 'data/**', 'test-results/**', 'ci-reports/**', 'db/migrations/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['app/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.configs.recommended.rules,
      // Scrollable regions are focusable so keyboard users can scroll them (axe: scrollable-region-focusable).
      'jsx-a11y/no-noninteractive-tabindex': ['error', { roles: ['region'], tags: [] }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['app/platform/env.server.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through getEnv() or getRuntimeConfig().' },
      ],
    },
  },
  {
    files: ['app/components/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ ...serverModules, allowTypeImports: true }] }] },
  },
  { files: ['sandbox/**/*.{ts,js}'], rules: { 'no-restricted-imports': ['error', { patterns: [appImports, dbImports] }] } },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [appImports, { group: ['**/demo/**', '**/scripts/**'], message: 'db/ holds the schema and migrations only.' }] },
      ],
    },
  },
);
