// The documented bugs of the built-in Multi-Paxos node, by name: the node program switches them
// on, the db plugin validates `--bug` and lists them in help.

export const PAXOS_BUGS: Readonly<Record<string, string>> = {
  'forget-promises':
    'acceptors keep promises and accepted values in memory only: after a kill and restart they accept lower ballots and forget what they accepted, so chosen values can be overwritten (needs the kill nemesis)',
  'skip-phase1':
    'a new leader skips phase 1 (prepare/promise): it never learns values accepted under earlier ballots and proposes into slots that may already be chosen: lost and reordered writes after a leader change',
};
