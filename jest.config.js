/** @type {import('jest').Config} */
// hyparquet and its decompressors ship as ES modules only; jest's CommonJS runtime needs them transformed.
const esmOnly = '(hyparquet|hyparquet-compressors|hysnappy)';

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    [`/node_modules/${esmOnly}/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' }, isolatedModules: true }],
  },
  transformIgnorePatterns: [`/node_modules/(?!${esmOnly}/)`],
  testTimeout: 180000,
};
