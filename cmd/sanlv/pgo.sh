#!/usr/bin/env bash
# Regenerates cmd/sanlv/default.pgo, the CPU profile that `go build` (-pgo=auto) uses to optimise the
# sanlv binary: the year's appraisal of a generated city in both editions, an import into SQLite, a
# score from the database and a detail export. Run it after a change to a hot path; it needs about
# 3 GB of disk under $TMPDIR and a minute or two. ROWS sets the size of the big year (default 10M).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows=${ROWS:-10000000}
go build -pgo=off -o "$work/sanlv" ./cmd/sanlv
run() { local name=$1; shift; SANLV_CPUPROFILE="$work/$name.prof" "$work/sanlv" "$@" >/dev/null; }

"$work/sanlv" gen --units 400 --assignments "$rows" --seed 1 --year 2025 --mixed=false --out "$work/big" >/dev/null
run annual1a annual --year 2025 --units "$work/big/units.csv" --tickets "$work/big/tickets.csv" --policy district-2025 --format json
run annual1b annual --year 2025 --units "$work/big/units.csv" --tickets "$work/big/tickets.csv" --policy district-2025 --format json
rm -r "$work/big"
"$work/sanlv" gen --units 400 --assignments "$rows" --seed 1 --year 2025 --mixed=false --second-edition --out "$work/big2" >/dev/null
run annual2 annual --year 2025 --units "$work/big2/units.csv" --tickets "$work/big2/tickets.csv" --policy district-second-edition --format json
rm -r "$work/big2"

"$work/sanlv" gen --units 200 --assignments 1000000 --seed 2 --year 2025 --out "$work/mid" >/dev/null
db="$work/mid.db"
"$work/sanlv" import units "$work/mid/units.csv" --db "$db" >/dev/null
run import import tickets "$work/mid/tickets.csv" --db "$db" --keep-valid
run score score --db "$db" --period 2025 --policy district-2025
run export export --db "$db" --period 2025-06 --policy district-2025 -o "$work/detail.xlsx"

go tool pprof -proto "$work"/*.prof >cmd/sanlv/default.pgo
echo "wrote cmd/sanlv/default.pgo ($(wc -c <cmd/sanlv/default.pgo) bytes)"
