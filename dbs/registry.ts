// The database plugin map: `faultline run --db NAME` looks databases up here.

export { dbs, defineDb } from '../src/plugin/registry.js';
export type { DbContext, DbPlugin } from '../src/plugin/kinds.js';
