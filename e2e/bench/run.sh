#!/usr/bin/env bash
# make bench: install the benchmark's tools if missing, then run every
# benchmark and fill the generated blocks of docs/benchmarks.md
# (e2e/bench/report; the prose around them is written by hand). make bench
# builds bin/regprofile and bin/kustomize first (make build tools).
#
#   bash e2e/bench/run.sh [-quick] [-keep] [-skip build,startup,gobench,rss,fleet,cmp]
#
# -skip leaves the named sections' blocks as they are (an earlier run's
# figures); the machine block names what this run measured and what it kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
export GOTOOLCHAIN=local

# benchstat, pinned: this version builds with go 1.26 and needs no newer
# toolchain.
BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da

# From Debian: hyperfine (wall times) and GNU time (peak RSS).
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		for p in "${missing[@]}"; do
			if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
				apt-get update -qq
				break
			fi
		done
		apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
			echo "make bench: could not install ${missing[*]}" >&2
	else
		echo "make bench: missing ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]})" >&2
	fi
fi
for required in hyperfine /usr/bin/time; do
	command -v "$required" >/dev/null || { echo "make bench: $required is required" >&2; exit 1; }
done

if [ ! -x "$root/bin/benchstat" ]; then
	GOBIN="$root/bin" go install "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION"
fi

exec go run ./e2e/bench/report -benchstat-version "$BENCHSTAT_VERSION" "$@"
