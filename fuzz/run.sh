#!/usr/bin/env bash
# Runs one fuzz target under AFL++ (afl.rs, stable toolchain) for a given time, then prints
# its statistics. Usage: fuzz/run.sh geojson|gpkg|sheet|shapefile|guotu_txt [SECONDS] [MAX_EXECUTIONS]
#
# Needs `cargo install cargo-afl` (it builds AFL++ once). Findings land in
# fuzz/out/TARGET/default/crashes and hangs; each one found is fixed and kept as a test.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?geojson, gpkg, sheet, shapefile or guotu_txt}
seconds=${2:-7200}
max_execs=${3:-10000000}
cargo afl build --release --bin "$target"
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_NO_AFFINITY=1
mkdir -p out
# Seeds: the target's own, plus (for geojson) the small files of the shared corpus when it is
# there (they are read from it, not copied into this repository).
seeds="out/seeds-$target"
rm -rf "$seeds" && mkdir -p "$seeds" && cp "seeds/$target"/* "$seeds/"
corpus=${PARKLAND_CORPUS:-../../shared/corpus/geojson}
if [ "$target" = geojson ] && [ -d "$corpus" ]; then
  find "$corpus" -maxdepth 1 -type f -size -40k -size +0 -exec cp {} "$seeds/" \;
fi
txt_corpus=${PARKLAND_TXT_CORPUS:-../../shared/corpus/guotu_txt}
if [ "$target" = guotu_txt ] && [ -d "$txt_corpus" ]; then
  find "$txt_corpus" -maxdepth 1 -name '*.txt' -size +0 -exec cp {} "$seeds/" \;
fi
# -V: stop after this many seconds; -E: or after this many executions, whichever comes first.
cargo afl fuzz -i "$seeds" -o "out/$target" -V "$seconds" -E "$max_execs" \
  -t 2000 -- "target/release/$target" > "out/$target.log" 2>&1 || true
stats="out/$target/default/fuzzer_stats"
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs|edges_found|total_edges) ' "$stats"
