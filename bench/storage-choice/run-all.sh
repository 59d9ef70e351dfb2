#!/bin/bash
# Each measurement is a separate fresh node process. Output: results/<name>.jsonl
set -u
cd "$(dirname "$0")"; mkdir -p results
mkdir -p results
N=${1:-150000}; TAG=${2:-150k}
for run in 1 2; do
  /usr/bin/time -f '{"wallS":%e,"maxRssKB":%M}' -o results/t.tmp node pglite-load.mjs /var/tmp/pglite-measure/data $N >> results/pglite-load-$TAG.jsonl; cat results/t.tmp >> results/pglite-load-$TAG.jsonl
  for w in 1 2; do /usr/bin/time -f '{"wallS":%e,"maxRssKB":%M}' -o results/t.tmp node pglite-warm.mjs /var/tmp/pglite-measure/data >> results/pglite-warm-$TAG.jsonl; cat results/t.tmp >> results/pglite-warm-$TAG.jsonl; done
  /usr/bin/time -f '{"wallS":%e,"maxRssKB":%M}' -o results/t.tmp node ep-load.mjs /var/tmp/ep-measure/data $N >> results/ep-load-$TAG.jsonl; cat results/t.tmp >> results/ep-load-$TAG.jsonl
  for w in 1 2; do /usr/bin/time -f '{"wallS":%e,"maxRssKB":%M}' -o results/t.tmp node ep-warm.mjs /var/tmp/ep-measure/data >> results/ep-warm-$TAG.jsonl; cat results/t.tmp >> results/ep-warm-$TAG.jsonl; done
done
pgrep -a postgres || echo "no postgres processes left"
