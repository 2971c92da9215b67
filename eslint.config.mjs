// Lint rules for every workspace (run by `npm test -- lint`): ESLint's and
// typescript-eslint's type-checked recommended rules for TypeScript,
// eslint-plugin-vue's for the SPA; formatting is Prettier's (see .prettierrc.json).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/node_modules/**', 'functions/lib/**', 'web/dist/**', '.cache/**', 'test-results/**'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  vue.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.ts', 'web/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  // Dependency direction (see functions/src/architecture.test.ts, which checks the same over every file):
  // generic mechanisms know nothing of the product or the wire; the contract the SPA bundles imports nothing
  // that runs but zod (its request schemas), only other import-free type files (`*Types.ts`, re-exported by api/).
  {
    files: ['functions/src/resilience/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(\\.\\./)+(api|payments|callables|lifecycle|stats|health|webhooks|scheduled|app|access|config|observability|runtime|subscriptions|housekeeping|auth|secrets)(/|\\.js$|$)',
              message: 'resilience/ is generic: it imports only resilience/ and packages; api/ re-exports its types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/src/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./[A-Za-z]+\\.js$)(?!(\\.\\./)+[A-Za-z/]+Types\\.js$)(?!zod$)',
              message:
                'api/ is bundled by the SPA: it may import only api/ files, import-free `*Types.ts` files and zod (its schemas).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/src/**/*Types.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.{1,2}/[A-Za-z./]*Types\\.js$)',
              message: 'A `*Types.ts` file is import-free: it may import only other `*Types.ts` files.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.vue'], languageOptions: { parserOptions: { parser: tseslint.parser } } },
  { files: ['web/src/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['**/*.mjs', '**/*.mts', '**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  prettier,
);
