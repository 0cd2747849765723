#!/usr/bin/env bash
# make fuzz: run each fuzz target for FUZZTIME (default 20s).
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
status=0
for target in internal/profile:FuzzDecode internal/render:FuzzRender internal/krm:FuzzProcess \
	internal/emit:FuzzWriteMarker internal/review:FuzzUntar; do
	pkg=./${target%%:*}/ name=${target##*:}
	echo "go test -run '^\$' -fuzz '^$name\$' -fuzztime $fuzztime $pkg"
	out=$(go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "$pkg" 2>&1)
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
