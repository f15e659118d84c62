// The workload plugin map: `faultline run --workload NAME` looks workloads up here. A workload
// bundles a generator, an optional final phase and a checker; the client comes from the db.

export { workloads, defineWorkload } from '../src/plugin/registry.js';
export type { WorkloadContext, WorkloadPlugin } from '../src/plugin/kinds.js';
