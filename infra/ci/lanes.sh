#!/usr/bin/env bash
# Runs `make` goals in lanes side by side and fails when any lane fails:
#   infra/ci/lanes.sh "pytest" "test-targets fuzz chaos"
# Each lane's goals run one after another in a `make` of their own.
#
# Why lanes: the test tiers spend most of their wall time waiting, not computing (cold starts of
# Lambda workers, minute boundaries the live feed and collection tests wait for, schedules firing,
# deploys): the MiniStack tier measured 17 min of wall time for under 5 min of CPU, and two lanes
# (the moto suite; MiniStack's and LocalStack's tiers, fuzz, chaos) 30 min of wall time for 19.5 min
# of CPU on two cores. Lanes finish in about the time of the longest. Each lane writes its own log (a pytest -q
# progress line interleaved with another pytest's is unreadable); a progress line per lane is
# printed every minute, and each lane's log is printed whole when it ends.
set -uo pipefail
cd "$(dirname "$0")/../.."

LOG_DIR=${FKS_LANES_LOG_DIR:-.fks/lanes}
mkdir -p "$LOG_DIR"
MAKE_CMD=${MAKE:-make}

pids=()
names=()
for goals in "$@"; do
    name=${goals// /+}
    log="$LOG_DIR/$name.log"
    # Each lane's pytest gets a temporary root of its own, so neither cleans up the other's folders.
    (
        export PYTEST_DEBUG_TEMPROOT
        PYTEST_DEBUG_TEMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/fks-lane-XXXXXX")
        # shellcheck disable=SC2086  # the goals are words on purpose
        "$MAKE_CMD" --no-print-directory $goals >"$log" 2>&1
        echo $? >"$log.rc"
    ) &
    pids+=("$!")
    names+=("$name")
    echo "lane $name: make $goals (log: $log)"
done

# A lane's progress: pytest's last percentage, then the log's last line (a test line in progress).
progress() {
    local tail_text percent
    tail_text=$(tail -c 20000 "$1" 2>/dev/null | tr '\r' '\n')
    percent=$(grep -o '\[ *[0-9]*%\]' <<<"$tail_text" | tail -n 1)
    echo "${percent:-[started]} $(grep -v '^\s*$' <<<"$tail_text" | tail -n 1 | cut -c1-100)"
}

running=${#pids[@]}
while ((running > 0)); do
    sleep 60
    running=0
    for i in "${!pids[@]}"; do
        if kill -0 "${pids[$i]}" 2>/dev/null; then
            running=$((running + 1))
            echo "[$(date -u +%H:%M:%S)] lane ${names[$i]}: $(progress "$LOG_DIR/${names[$i]}.log")"
        fi
    done
done

status=0
for i in "${!pids[@]}"; do
    wait "${pids[$i]}"
    log="$LOG_DIR/${names[$i]}.log"
    rc=$(cat "$log.rc" 2>/dev/null || echo 1)
    echo
    echo "==================== lane ${names[$i]}: exit $rc ===================="
    cat "$log"
    if [ "$rc" != 0 ]; then
        status=1
    fi
done
for i in "${!pids[@]}"; do
    echo "lane ${names[$i]}: exit $(cat "$LOG_DIR/${names[$i]}.log.rc" 2>/dev/null || echo 1)"
done
exit $status
