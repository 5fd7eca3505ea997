#!/usr/bin/env bash
# Kill soak: runs `workbook check` on reference solutions, several at once on one data
# dir, and SIGKILLs most of them at a random moment (while compiling, testing or saving).
# Then it verifies that
#   - progress.ron parses (no check after the soak had to move it aside),
#   - every pass a check acknowledged (exit 0 before any kill) is recorded,
#   - no test binary outlived its killed `workbook check`,
#   - no run folder or temp file is left once a new check has run.
# Usage: scripts/kill-soak.sh [ROUNDS] [PARALLEL]   (WORKBOOK=path/to/workbook to choose
# the binary; default target/debug/workbook, built first with `cargo build`).
set -u
ROUNDS=${1:-100}
PAR=${2:-4}
BIN=${WORKBOOK:-target/debug/workbook}
EXERCISES=(validated-amount backoff-schedule last-ticket health-aggregate)
DATA=$(mktemp -d -t workbook-soak-XXXXXX)
WORK=$(mktemp -d -t workbook-soak-files-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
[ -x "$BIN" ] || { echo "no $BIN: run cargo build first" >&2; exit 2; }

kills=0; acked=0; leftover=0; round=0
declare -A passed_ok
binaries_under() { # pids whose executable lies under $1
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case "$exe" in "$1"/*) echo "${p#/proc/}";; esac
  done
}
while [ "$round" -lt "$ROUNDS" ]; do
  pids=(); ids=()
  for _ in $(seq "$PAR"); do
    round=$((round + 1))
    id=${EXERCISES[$((RANDOM % ${#EXERCISES[@]}))]}
    # A fresh comment each time, so the result cache never answers and every check saves.
    file="$WORK/$id-$round.rs"
    { cat "exercises/$id/solution.rs"; echo "// soak round $round"; } > "$file"
    "$BIN" --data-dir "$DATA" check "$id" --file "$file" >/dev/null 2>&1 &
    pids+=($!); ids+=("$id")
  done
  # Kill most of them somewhere between 0 and 2.5 s; let about one in five finish.
  for i in "${!pids[@]}"; do
    if [ $((RANDOM % 5)) -ne 0 ]; then
      ( sleep "0.$((RANDOM % 25))$((RANDOM % 10))"; kill -KILL "${pids[$i]}" 2>/dev/null ) &
    fi
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" 2>/dev/null; status=$?
    if [ "$status" -eq 137 ]; then kills=$((kills + 1)); fi
    if [ "$status" -eq 0 ]; then acked=$((acked + 1)); passed_ok[${ids[$i]}]=1; fi
  done
  wait 2>/dev/null
  sleep 0.2
  n=$(binaries_under "$DATA" | wc -l)
  leftover=$((leftover + n))
done

# One more check: opens the store (quarantining an unreadable file) and sweeps leftovers.
"$BIN" --data-dir "$DATA" check validated-amount --file exercises/validated-amount/solution.rs >/dev/null 2>&1
corrupt=$(find "$DATA" -maxdepth 1 -name 'progress.ron.corrupt-*' | wc -l)
tmp=$(find "$DATA" -maxdepth 1 -name '.progress.ron.tmp-*' | wc -l)
runs=$(find "$DATA/cache/runner/runs" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
lost=0
for id in "${!passed_ok[@]}"; do
  if ! tr -d ' \n' < "$DATA/progress.ron" | grep -q "\"$id\":(passed:true"; then
    echo "LOST: acknowledged pass of $id is not recorded" >&2; lost=$((lost + 1))
  fi
done
echo "rounds=$ROUNDS parallel=$PAR sigkills=$kills acknowledged_passes=$acked lost_passes=$lost"
echo "unreadable_progress_files=$corrupt stale_temp_files=$tmp stale_run_folders=$runs surviving_test_binaries=$leftover"
if [ "$lost" -eq 0 ] && [ "$corrupt" -eq 0 ] && [ "$tmp" -eq 0 ] && [ "$runs" -eq 0 ] && [ "$leftover" -eq 0 ]; then
  rm -rf "$DATA"; echo "ok"
else
  echo "FAILED; data dir kept for inspection: $DATA"; exit 1
fi
