#!/usr/bin/env bash
# The data files against their JSON Schemas (data/schemas/), with Taplo: the validator that
# Even Better TOML and other Taplo-based editors run, reading the same .taplo.toml. The shipped
# files and the synthetic second plan validate; a broken copy does not, each problem at its
# place. Needs `taplo` on PATH (CI installs the pinned `pip install taplo==0.9.3`).
set -euo pipefail
cd "$(dirname "$0")/../.."

taplo check data/organizations.toml data/*/*.toml tests/fixtures/plans/*/*.toml

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r .taplo.toml data "$work/"
plan="$work/data/AMB-PI-2021-2025"
# Synthetic breakage: a text's French as an unknown language, a SWOT kind outside the
# vocabulary, a code of the wrong shape, an unknown field.
sed -i '0,/title.fr = /s//title.fx = /' "$plan/sections.toml"
sed -i '0,/kind = "THREAT"/s//kind = "THREATS"/' "$plan/plan.toml"
sed -i '0,/code = "LE1.1"/s//code = "le1.1"/' "$plan/strategy.toml"
sed -i '0,/^\[\[actions\]\]$/s//[[actions]]\nbogus = 1/' "$plan/strategy.toml"
if (cd "$work" && taplo check data/AMB-PI-2021-2025/*.toml) > "$work/out" 2>&1; then
  echo "taplo accepted broken data files" >&2
  exit 1
fi
expect() {
  # $1: the error, $2: file:line:column where Taplo places it.
  grep -A1 -F -- "error: $1" "$work/out" | grep -q -F -- "$work/data/AMB-PI-2021-2025/$2" || {
    echo "taplo did not report \"$1\" at $2:" >&2
    cat "$work/out" >&2
    exit 1
  }
}
line_of() { grep -n -m1 -F -- "$1" "$plan/$2" | cut -d: -f1; }
expect "\"fr\" is a required property" "sections.toml:$(line_of 'title.es' sections.toml):1"
expect "Additional properties are not allowed ('fx' was unexpected)" "sections.toml:$(line_of 'title.es' sections.toml):1"
expect "\"THREATS\" is not one of [\"STRENGTH\",\"WEAKNESS\",\"OPPORTUNITY\",\"THREAT\"]" "plan.toml:$(line_of 'kind = "THREATS"' plan.toml):8"
expect "\"le1.1\" does not match \"^[A-Z0-9]+([._-][A-Z0-9]+)*\$\"" "strategy.toml:$(line_of 'code = "le1.1"' strategy.toml):8"
# An unknown field is an error of its table: Taplo places it on one of the table's keys, which
# one varies from run to run, so the check is that it lands inside the first action's table.
expect_within() {
  # $1: the error, $2: the file, $3..$4: the first and last line it may be placed on.
  local lines
  lines="$(grep -A1 -F -- "error: $1" "$work/out" | sed -n "s|.*$work/data/AMB-PI-2021-2025/$2:\([0-9]*\):.*|\1|p")"
  for l in $lines; do
    if [ "$l" -ge "$3" ] && [ "$l" -le "$4" ]; then return 0; fi
  done
  echo "taplo did not report \"$1\" in $2 between lines $3 and $4:" >&2
  cat "$work/out" >&2
  exit 1
}
first_action="$(grep -n -m1 -x -F '[[actions]]' "$plan/strategy.toml" | cut -d: -f1)"
next_action="$(grep -n -x -F '[[actions]]' "$plan/strategy.toml" | sed -n 2p | cut -d: -f1)"
expect_within "Additional properties are not allowed ('bogus' was unexpected)" strategy.toml "$first_action" "$((next_action - 1))"
echo "ok: the data files validate against their JSON Schemas with Taplo; a broken copy does not"
