#!/usr/bin/env bash
# The crash scenario at full size: 10,000 events through two worker replicas, one killed with SIGKILL three
# times mid-stream (CI runs the same test with 2,000). Needs what tests/run.sh needs; prints the figures.
#
#   tests/Aims.Risk.IntegrationTests/crash-test.sh            # 10,000 events
#   AIMS_RISK_CRASH_EVENTS=50000 tests/Aims.Risk.IntegrationTests/crash-test.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export AIMS_RISK_CRASH_EVENTS=${AIMS_RISK_CRASH_EVENTS:-10000}
export AIMS_RISK_TEST_RESULTS=${AIMS_RISK_TEST_RESULTS:-$root/tests/TestResults/crash}
status=0
"$root/tests/run.sh" --filter "FullyQualifiedName~Aims.Risk.IntegrationTests.Reliability.WorkerCrashTests" || status=$?
cat "$AIMS_RISK_TEST_RESULTS/reliability-figures.txt" 2>/dev/null || true
exit "$status"
