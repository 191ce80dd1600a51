// Lint is part of `npm test`: typed rules catch floating promises and unsafe any at the edges.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-check/**', 'node_modules/**', 'src/sequences/joe-kuo-table.ts', 'runs/**', 'docs/api/**', 'web/dist/**', 'web/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded Rng from src/sequences/rng.ts.' }],
      // `import { z }` keeps all of zod in a browser bundle (92 KB gzipped); the namespace lets bundlers drop what is unused (22 KB).
      'no-restricted-syntax': ['error', {
        selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
        message: "Use import * as z from 'zod': bundlers can then drop zod's unused parts.",
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // AssemblyScript: `@inline` on a function is its decorator, not TypeScript's; parse it, lint the rest as usual.
  { files: ['assembly/**/*.ts'], languageOptions: { parserOptions: { allowInvalidAST: true } } },
);
