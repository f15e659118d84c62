// What a two-phase-commit coordinator records about its recovery, for the two-phase checker and
// the report: how each in-doubt branch (one participant's prepared transaction) was resolved.
// The coordinator puts a RecoveryReport in the value of every op that ran a recovery pass (a
// restart after a crash, a periodic scan).

export interface InDoubtResolution {
  /** Global transaction id of the prepared transaction. */
  gid: string;
  participant: string;
  resolution: 'commit' | 'rollback';
  /** Why: the logged decision, or presumed abort. */
  reason: string;
  /** The decision the coordinator's log holds for the gid (null: none, so presumed abort). */
  decision: { outcome: 'commit'; participants: string[] } | null;
  /** What the transaction did, when the log's begin record says. */
  transfer?: unknown;
  /** Whether the COMMIT/ROLLBACK PREPARED succeeded (else it stays in doubt for a later scan). */
  done: boolean;
  error?: string;
}

/** What one recovery pass found and did. */
export interface RecoveryReport {
  resolved: InDoubtResolution[];
  /** Participants the pass could not reach (their in-doubt transactions wait for a later pass). */
  unreachable: Array<{ participant: string; error: string }>;
  /** Prepared transactions still in doubt after the pass (in flight, or not resolvable yet). */
  remaining: number;
}
