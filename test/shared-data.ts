// Peer test data (`../shared` beside the checkout: histories with expected verdicts) is not part
// of faultline and a fresh clone does not have it. Tests that use it go through `sharedPath`:
// when the data is absent they are skipped, and the skip names the path that was looked for.
// FAULTLINE_SHARED points elsewhere (a worktree, a CI cache).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED = resolve(process.env.FAULTLINE_SHARED ?? resolve(import.meta.dirname, '..', '..', 'shared'));

/** The path of `rel` under the shared data, and a label for tests that skip without it. */
export function sharedPath(rel: string): { path: string; present: boolean; skipLabel: string } {
  const path = resolve(SHARED, rel);
  const present = existsSync(path);
  return { path, present, skipLabel: present ? '' : ` (skipped: no peer data at ${path}; set FAULTLINE_SHARED or place ../shared beside the checkout)` };
}
