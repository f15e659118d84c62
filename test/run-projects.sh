#!/usr/bin/env bash
# Runs the two test projects of vitest.config.ts side by side, each one file at a time: `docker`
# (Docker clusters, host-wide leftover checks) and `local` (unit tests, built-in clusters, CLI,
# browser). Vitest runs its projects one after another; two processes halve the wall time on a
# 2-core machine (CI must stay under 40 minutes). Arguments go to both; a JSON --outputFile is
# written per project and merged. Exit status: non-zero if either project failed.
set -uo pipefail
cd "$(dirname "$0")/.."
args=() out=""
for a in "$@"; do
  case "$a" in
    --outputFile=*) out="${a#--outputFile=}" ;;
    *) args+=("$a") ;;
  esac
done
run() {
  local project=$1
  local extra=()
  [ -n "$out" ] && extra+=("--outputFile=${out%.json}.$project.json")
  npx vitest run --project "$project" --passWithNoTests "${args[@]}" "${extra[@]}" 2>&1 | sed -u "s/^/[$project] /"
  return "${PIPESTATUS[0]}"
}
run docker & docker_pid=$!
run local; local_status=$?
wait "$docker_pid"; docker_status=$?
if [ -n "$out" ]; then
  node -e '
    const fs = require("fs");
    const [out, ...parts] = process.argv.slice(1);
    const rs = parts.filter((p) => fs.existsSync(p)).map((p) => JSON.parse(fs.readFileSync(p, "utf8")));
    const sum = (k) => rs.reduce((n, r) => n + (r[k] ?? 0), 0);
    const merged = { ...rs[0], testResults: rs.flatMap((r) => r.testResults ?? []) };
    for (const k of ["numTotalTests", "numPassedTests", "numFailedTests", "numPendingTests", "numTodoTests", "numTotalTestSuites", "numPassedTestSuites", "numFailedTestSuites", "numPendingTestSuites"]) merged[k] = sum(k);
    merged.success = rs.length === 2 && rs.every((r) => r.success);
    fs.writeFileSync(out, JSON.stringify(merged));
  ' "$out" "${out%.json}.docker.json" "${out%.json}.local.json" || true
fi
echo "tests: docker project exit $docker_status, local project exit $local_status"
[ "$docker_status" -eq 0 ] && [ "$local_status" -eq 0 ]
