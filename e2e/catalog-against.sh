#!/usr/bin/env bash
# Runs today's bad-input catalog (fn/testdata/invalid) against regprofile as
# built at another revision, and says for each case what that build did:
#   holds                today's exact stderr, exit 1, nothing on stdout
#   refused-differently  an error, but not today's message (a value echoed,
#                        no line number, another reason)
#   accepted             no error: the class the case stands for got through
# make catalog-against REV=<commit> runs it; docs/hardening.md keeps the
# result for the commit before each hardening change.
set -euo pipefail
rev=${1:?usage: catalog-against.sh REV}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/src" "$rev"
(cd "$work/src" && go build -o "$work/regprofile" ./fn/cmd/regprofile)
cd "$root/fn/testdata/invalid"
for input in *.yaml; do
  case=${input%.yaml}
  code=0
  if [[ $input == *.rl.yaml ]]; then
    "$work/regprofile" <"$input" >"$work/out" 2>"$work/err" || code=$?
    # The function answers with a ResourceList; an error result is a refusal.
    grep -q 'severity: error' "$work/out" && refused=1 || refused=0
    : >"$work/out"
  else
    "$work/regprofile" render "$input" >"$work/out" 2>"$work/err" || code=$?
    [[ $code != 0 ]] && refused=1 || refused=0
  fi
  if [[ $refused == 0 ]]; then
    echo "accepted $case"
  elif [[ $code == 1 && ! -s $work/out ]] && cmp -s "$work/err" "$case.stderr"; then
    echo "holds $case"
  else
    echo "refused-differently $case"
  fi
done
