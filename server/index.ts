/**
 * `bayar/server` (and `bayar`): the companion as a library. `createBayar(options)` gives an Express router to mount
 * at any prefix and `close()`; see docs/integration.md ("Mount it in your Express app").
 */
export { createBayar, configFromOptions, openBayar, optionName } from './bayar.js';
export type { Bayar, BayarDeps, BayarOptions, OptionValue, ProviderOptions } from './bayar.js';
export { ConfigError, loadConfig } from './config.js';
export type { Config } from './config.js';
export { hashPassword, verifyPassword } from './console/users.js';
export type * from './api-types.js';
