// Loads every nemesis plugin (each file registers itself). Add one import line per plugin.

export * from './registry.js';
export { buildNemesis, combinePackages, composeNemeses, faultPackage } from '../src/plugin/nemesis-package.js';
import './partition.js';
import './kill.js';
import './pause.js';
import './packet.js';
import './clock.js';
import './stall.js';
import './power.js';
import './corrupt.js';
import './disk-full.js';
