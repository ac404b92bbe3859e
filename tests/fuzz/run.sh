#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh SECONDS TARGET...: run each libFuzzer target for SECONDS on its
# seed corpus (corpus/NAME, read only) and its own corpus (out/NAME, where
# new inputs go), NAME being the target without "fuzz_".  Every target
# runs even if one fails, so that one run reports on all of them; the
# exit status is 1 if any crashed, leaked, timed out or broke an
# invariant.  The full output of each is in out/NAME.log; what is printed
# is one line per target, plus the end of the log of a failed one.
# FUZZ_FLAGS adds libFuzzer options (e.g. -jobs=2, -max_len=N).
set -u
cd "$(dirname "$0")"

if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS TARGET..." >&2
	exit 2
fi
seconds=$1
shift

failed=()
summary=()
for target in "$@"; do
	name=${target#fuzz_}
	log=out/$name.log
	mkdir -p "out/$name" "corpus/$name"
	echo "fuzz: $name: running for $seconds s (log: tests/fuzz/$log)"
	# -timeout: one input running this long is a hang, reported as such;
	# -rss_limit_mb: so is a process this big; both end the run non-zero.
	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
	"./$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="out/$name-" ${FUZZ_FLAGS:-} \
		"out/$name" "corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	units=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$secs" ]; then
		summary+=("fuzz: $name ran $secs s clean, ${execs:-?} execs, ${units:-?} new inputs, peak ${rss:-?} MB")
		continue
	fi
	failed+=("$name")
	summary+=("fuzz: $name FAILED (exit $rc) after ${execs:-?} execs; see tests/fuzz/$log")
	echo "---- end of tests/fuzz/$log ----"
	tail -n 40 "$log"
	ls -1 "out/$name"-* 2>/dev/null | sed 's|^|reproducer: tests/fuzz/|'
	echo "----"
done

printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: failed: ${failed[*]}"
	exit 1
fi
