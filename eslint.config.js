import js from '@eslint/js'
import jest from 'eslint-plugin-jest'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'build/',
      'reports/',
      '.stryker-tmp/',
      // Import graphs for the layering test, not code: their imports name nothing they use.
      '__tests__/__fixtures__/layering/'
    ]
  },
  js.configs.recommended,
  // Type-aware rules: a promise nobody awaits (its rejection is lost, or crashes the process), an
  // async function where a void callback is expected, `await` on a non-promise, an object printed
  // as "[object Object]"... Their types come from tsconfig.json's project, which covers src/,
  // __tests__/, simulator/ and scripts/.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      // The no-unsafe-* family polices values typed `any` (mostly JSON.parse results in tests):
      // type hygiene rather than bugs, and `tsc --noEmit` with `strict` already rejects implicit any.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // An async method without `await` is how a fake implements a Promise-returning interface.
      '@typescript-eslint/require-await': 'off',
      // Handing on another promise's rejection reason, which is `unknown`, is not a new throw.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }]
    }
  },
  {
    // Configuration files and the DNS guard are JavaScript, outside tsconfig.json's project.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked
  },
  {
    files: ['__tests__/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      // Assertion helpers are named expect…, e.g. expectValidTables().
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*'] }],
      // The TLS tests run only where openssl can make a CA: itWithTls is `it` or `it.skip`.
      'jest/no-standalone-expect': [
        'error',
        { additionalTestBlockFunctions: ['itWithTls', 'itWithTls.each'] }
      ]
    }
  },
  {
    // Scripts and the simulator are developer tools that talk to a terminal.
    files: ['scripts/**', 'simulator/**', '__tests__/**'],
    rules: { 'no-console': 'off' }
  }
)
