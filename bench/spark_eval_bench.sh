#!/usr/bin/env bash
# Spark's overhead on one machine: `mssd eval` (1 and 2 compute threads) against `mssd-spark eval` with
# local[1] and local[2] on the 80 COCO images of ../shared/datasets/coco-val2017-tiny, whole processes
# timed (JVM start, model load, Spark session, detection, evaluation). Run after `mvn -q -DskipTests package`.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/coco-val2017-tiny}
ann=$data/annotations/instances_val2017.json
img=$data/val2017
out=$(mktemp -d)
run() {
  local name=$1; shift
  local t0=$(date +%s.%N)
  "$@" >"$out/$name.log" 2>&1
  local t1=$(date +%s.%N)
  printf '%-22s %6.1f s whole process   %s\n' "$name" "$(awk "BEGIN {print $t1 - $t0}")" "$(grep -E 'images/s|^ Average Precision  \(AP\) @\[ IoU=0.50:0.95 \| area=   all' "$out/$name.log" | head -2 | tr '\n' ' ')"
}
run "mssd eval --threads 1" java -jar tools/target/mssd.jar eval --images "$img" --ann "$ann" --out "$out/r1.json" --threads 1
run "mssd eval --threads 2" java -jar tools/target/mssd.jar eval --images "$img" --ann "$ann" --out "$out/r2.json" --threads 2
run "mssd-spark local[1]" java -jar spark/target/mssd-spark.jar eval --master 'local[1]' --images "$img" --ann "$ann" --out "$out/s1.json"
run "mssd-spark local[2]" java -jar spark/target/mssd-spark.jar eval --master 'local[2]' --images "$img" --ann "$ann" --out "$out/s2.json"
cmp -s "$out/r1.json" "$out/s2.json" && echo "results files identical (mssd eval and mssd-spark eval)" || echo "results files DIFFER"
