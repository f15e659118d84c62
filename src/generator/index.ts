// The generator library: protocol, combinators, per-thread and independent-key generators,
// and a nemesis schedule.

export * from './core.js';
export * from './combinators.js';
export * from './timing.js';
export * from './per-thread.js';
export * from './independent.js';
export * from './schedule.js';
export { fillIn, restrict, threadOf } from './context.js';
