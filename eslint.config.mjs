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
  { files: ['**/*.vue'], languageOptions: { parserOptions: { parser: tseslint.parser } } },
  { files: ['web/src/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['**/*.mjs', '**/*.mts', '**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  prettier,
);
