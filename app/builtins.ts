// The plugins faultline ships: importing this registers every built-in database, workload,
// nemesis and checker (and the history formats they bring). The CLI and the package API load
// it; the core never does, so nothing in src/ depends on a plugin.

import '../dbs/index.js';
import '../workloads/index.js';
import '../nemesis/index.js';
import '../checkers/index.js';
