#!/usr/bin/env bash
# make fuzz: run each fuzz target for FUZZTIME (default 20s).
#
# Each input that widens coverage is minimized in at most FUZZMINIMIZETIME
# (default 100x: a hundred runs of the target). Go's default is a minute
# per input, and minimizing counts no execs: on these targets, which write
# and walk directory trees or parse whole profiles, the first interesting
# input took the rest of a 20-second window, and the fuzzer showed 0
# execs/sec from its third second on (seen in CI logs). A failing input is
# still written, only less minimized.
#
# Go 1.26's fuzz coordinator can fail a target with a bare "context
# deadline exceeded" at the end of a -fuzztime window, with no failing
# input: a race between its deadline and a worker still running an input
# (go.dev/issue/75804, fixed in Go 1.27). A target that fails that way,
# having written no failing input, is run once more on its seeds and its
# testdata/fuzz corpus (not on the inputs the fuzzer kept in the build
# cache); only a failure of that run, or any other failure, fails make fuzz.
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-20s}
minimize=${FUZZMINIMIZETIME:-100x}
status=0
for target in internal/profile:FuzzDecode internal/render:FuzzRender internal/krm:FuzzProcess \
	internal/emit:FuzzWriteMarker internal/review:FuzzUntar; do
	pkg=./${target%%:*}/ name=${target##*:}
	echo "go test -run '^\$' -fuzz '^$name\$' -fuzztime $fuzztime -fuzzminimizetime $minimize $pkg"
	out=$(go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" "$pkg" 2>&1)
	rc=$?
	echo "$out"
	[ $rc -eq 0 ] && continue
	if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
		echo "make fuzz: $name stopped on Go's fuzztime deadline race (go.dev/issue/75804) with no failing input; replaying its corpus"
		go test -count=1 -run "^$name\$" "$pkg" && continue
	fi
	status=1
done
exit $status
