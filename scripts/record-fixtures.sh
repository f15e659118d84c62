#!/usr/bin/env bash
# Records the histories under test/fixtures/recorded/ that test/recorded-histories.test.ts checks
# (a fresh clone has no ../shared peer data: these are faultline's own anchors). Each run's
# verdict becomes the expected one in expected.tsv; re-record only on purpose, and read the
# witnesses of the invalid ones before committing (they must be real anomalies of the seeded bug
# or setting, never a checker artefact).
# Usage: scripts/record-fixtures.sh [NAME...]   (needs Docker for the etcd ones)
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/recorded
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A runs=(
  [raft-register]="--db raft --workload register --nemesis partition,kill --time-limit 12 --seed 11"
  [raft-register-stale-read]="--db raft --workload register --nemesis partition --nemesis-option partition=primaries --bug stale-read --time-limit 12 --seed 3"
  [raft-set-early-ack]="--db raft --workload set --nemesis kill --nemesis-option kill=primaries --bug early-ack --time-limit 12 --seed 2"
  [gossip-set]="--db gossip --workload set --nemesis partition --time-limit 12 --rate 40 --seed 5"
  [gossip-counter-lose-updates]="--db gossip --workload counter --bug lose-updates --nemesis none --time-limit 10 --rate 100 --seed 4"
  [etcd-register]="--db etcd --workload register --nemesis partition,kill --time-limit 15 --seed 21"
  [etcd-register-serializable]="--db etcd --workload register --db-option reads=serializable --nemesis partition --time-limit 15 --seed 7"
  [etcd-list-append]="--db etcd --workload list-append --nemesis partition --time-limit 12 --seed 9"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${!runs[@]}")
for name in "${names[@]}"; do
  set +e
  node bin/faultline.js run ${runs[$name]} --out "$tmp/$name" --quiet >"$tmp/$name.out" 2>&1
  code=$?
  set -e
  dir=$(ls -d "$tmp/$name"/*/latest)
  if [ ! -f "$dir/results.json" ]; then echo "$name: the run did not finish (exit $code):"; tail -20 "$tmp/$name.out"; exit 1; fi
  mkdir -p "$out/$name"
  cp "$dir/history.jsonl" "$dir/test.json" "$out/$name/"
  verdict=$(node -e 'const r=require(process.argv[1]);console.log(r.valid===true?"valid":r.valid===false?"invalid":"unknown")' "$(realpath "$dir/results.json")")
  echo "$name: exit $code, $verdict"
  grep -v "^$name	" "$out/expected.tsv" 2>/dev/null > "$tmp/exp" || true
  printf '%s\t%s\n' "$name" "$verdict" >> "$tmp/exp"
  { printf 'name\texpected\n'; grep -v '^name	' "$tmp/exp" | sort; } > "$out/expected.tsv"
done
