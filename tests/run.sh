#!/usr/bin/env bash
# The test command: starts the real test servers (RabbitMQ, the S3 API, PostgreSQL), builds the solution, runs every
# test, and stops the servers again. Extra arguments go to `dotnet test`, for example:
#   tests/run.sh --filter "Category!=Integration"     the fast tests only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tests/infra/test-services.sh start
trap 'tests/infra/test-services.sh stop' EXIT
# shellcheck source=/dev/null
source .test-services/env

dotnet build Spine.slnx -c Release -nologo -clp:NoSummary
log=$(mktemp)
status=0
dotnet test Spine.slnx -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole suite, summed over the test projects.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
