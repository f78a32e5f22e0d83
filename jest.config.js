const os = require("os");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type-checking happens once in `npm run typecheck`; tests only transpile.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
  // Jest's default (cores - 1) runs a 2-core machine's suites one at a time, in band. The Terraform-backed
  // suites mostly wait on terraform and stub-provider processes, so more workers than cores overlap them
  // with the CPU-bound suites.
  maxWorkers: Math.max(3, os.cpus().length),
};
