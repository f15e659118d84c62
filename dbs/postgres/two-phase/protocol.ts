// What faultline and its two-phase-commit coordinator process say to each other over the IPC
// channel, and the coordinator's configuration (passed in its environment).

import type { RecoveryReport } from '../../../checkers/two-phase/evidence.js';
import type { Transfer } from '../../../workloads/bank.js';
import type { Isolation } from '../../sql/conn.js';
import type { SqlAddress } from '../../sql/conn.js';

import type { CrashPoint } from '../../../nemesis/coordinator-crash.js';

export type { CrashPoint };

export interface CoordinatorConfig {
  participants: Array<{ name: string; addr: SqlAddress }>;
  /** The accounts table as it appears in SQL (schema-qualified on existing servers). */
  table: string;
  /** Every global transaction id of the run starts with this (recovery touches nothing else). */
  gidPrefix: string;
  /** The coordinator's durable log (JSON lines). */
  logPath: string;
  isolation: Isolation;
  timeoutMs: number;
  /** 'forget-participant': the commit decision names only the first participant. */
  bug?: string;
}

export const CONFIG_ENV = 'FAULTLINE_2PC_CONFIG';

/** Account a lives on participant a mod n. */
export function participantOf(account: number, participants: number): number {
  return ((account % participants) + participants) % participants;
}

export type Request = { id: number; type: 'transfer'; transfer: Transfer } | { id: number; type: 'recover' };

export type ToCoordinator = Request | { type: 'arm'; point: CrashPoint } | { type: 'activate' };

export type Reply =
  | { id: number; ok: true; value: unknown }
  /** definite: the transfer surely did not commit. */
  | { id: number; ok: false; definite: boolean; error: string };

export type FromCoordinator =
  | Reply
  | { type: 'standby' }
  | { type: 'ready'; recovery: RecoveryReport }
  | { type: 'crashing'; point: CrashPoint; gid: string; transfer: Transfer };
