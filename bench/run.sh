#!/usr/bin/env bash
# Gateway overhead load test, on 127.0.0.1 only and bounded in time.
#
# One instant SIMULATED OpenAI-wire upstream (`junction sim-upstream`), then the same chat-completion workload with
# wrk at 1, 64 and 256 concurrent connections against: the upstream directly (the baseline), Junction (`junction
# serve`, cache off, model pinned: pure proxy path) and the Portkey open-source gateway (`@portkey-ai/gateway` from
# npm) in front of the same upstream. Added latency = the gateway's percentile minus the direct percentile at the same
# concurrency. Prints throughput, p50/p99, errors and resident memory, and the Junction/Portkey ratio of added latency.
#
# Needs: server/target/junction.jar (./mvnw -q -DskipTests package), a JDK >= 21 (JAVA_HOME or java on PATH), wrk
# (apt-get install -y wrk), node + npm (Portkey is installed into bench/.work on first use).
# Knobs: DURATION (default 10s per run), LEVELS (default "1 64 256"), SKIP_PORTKEY=1.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR=server/target/junction.jar
DURATION=${DURATION:-10s}
LEVELS=${LEVELS:-"1 64 256"}
WORK=bench/.work
UP_PORT=9901 J_PORT=9902 PK_PORT=8787
PORTKEY_VERSION=${PORTKEY_VERSION:-1.15.2}
mkdir -p "$WORK"

[ -f "$JAR" ] || { echo "build first: ./mvnw -q -DskipTests package" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_port() { # port
  for _ in $(seq 1 240); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  echo "nothing listens on port $1; see $WORK/*.log" >&2; exit 1
}

rss_mb() { ps -o rss= -p "$1" | awk '{printf "%.0f", $1/1024}'; }

# The JDK HTTP server behind sim-upstream closes keep-alive connections beyond 200 idle ones unless told otherwise.
"$JAVA" -Dsun.net.httpserver.maxIdleConnections=4096 -jar "$JAR" sim-upstream --port $UP_PORT --model gpt-4.1-mini >"$WORK/upstream.log" 2>&1 &
pids+=($!)

cat >"$WORK/junction.yaml" <<YAML
server: {host: 127.0.0.1, port: $J_PORT}
cache: {enabled: false}
providers:
  - {id: openai, base_url: "http://127.0.0.1:$UP_PORT/v1", api_key_env: BENCH_UPSTREAM_KEY}
YAML
BENCH_UPSTREAM_KEY=sk-bench-not-secret "$JAVA" -Xmx512m -jar "$JAR" serve --config "$WORK/junction.yaml" \
  --data-dir "$WORK/data" >"$WORK/junction.log" 2>&1 &
J_PID=$!
pids+=($J_PID)

PK_PID=""
if [ -z "${SKIP_PORTKEY:-}" ]; then
  if [ ! -f "$WORK/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
    (cd "$WORK" && npm install --no-audit --no-fund --loglevel=error "@portkey-ai/gateway@$PORTKEY_VERSION" >/dev/null)
  fi
  node "$WORK/node_modules/@portkey-ai/gateway/build/start-server.js" --port=$PK_PORT --headless >"$WORK/portkey.log" 2>&1 &
  PK_PID=$!
  pids+=($PK_PID)
fi

wait_port $UP_PORT; wait_port $J_PORT; [ -n "$PK_PID" ] && wait_port $PK_PORT

BODY_PINNED='{"model":"openai/gpt-4.1-mini","messages":[{"role":"user","content":"Say hello to the benchmark."}],"max_tokens":16}'
BODY_PLAIN='{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Say hello to the benchmark."}],"max_tokens":16}'
lua() { # file body header...
  local f=$1 body=$2; shift 2
  { echo 'wrk.method = "POST"'
    echo "wrk.body = '$body'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    for h in "$@"; do echo "wrk.headers[\"${h%%:*}\"] = \"${h#*: }\""; done
  } >"$f"
}
lua "$WORK/direct.lua" "$BODY_PLAIN" "Authorization: Bearer sk-bench-not-secret"
lua "$WORK/junction.lua" "$BODY_PINNED" "x-junction-cache: off"
lua "$WORK/portkey.lua" "$BODY_PLAIN" "Authorization: Bearer sk-bench-not-secret" "x-portkey-provider: openai" \
  "x-portkey-custom-host: http://127.0.0.1:$UP_PORT/v1"

# Sanity: each path answers 200 once before measuring.
for t in direct:$UP_PORT/v1 junction:$J_PORT/v1 ${PK_PID:+portkey:$PK_PORT/v1}; do
  name=${t%%:*}; url="http://127.0.0.1:${t#*:}/chat/completions"
  body=$BODY_PLAIN; hdrs=(-H "Authorization: Bearer sk-bench-not-secret")
  [ "$name" = junction ] && body=$BODY_PINNED && hdrs=()
  [ "$name" = portkey ] && hdrs+=(-H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:$UP_PORT/v1")
  code=$(curl -s -o "$WORK/$name.sanity.json" -w '%{http_code}' "$url" -H 'content-type: application/json' "${hdrs[@]}" -d "$body")
  [ "$code" = 200 ] || { echo "$name answered $code: $(cat "$WORK/$name.sanity.json")" >&2; exit 1; }
done

# Runs wrk; prints "rps p50_ms p99_ms errors".
measure() { # name port conns duration
  local name=$1 port=$2 c=$3 d=$4 threads=2
  [ "$c" -lt 2 ] && threads=1
  wrk -t$threads -c"$c" -d"$d" --timeout 10s --latency -s "$WORK/$name.lua" "http://127.0.0.1:$port/v1/chat/completions" \
    >"$WORK/wrk-$name-$c.txt" 2>&1
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} /Requests\/sec/ {rps=$2}
    /Non-2xx/ {err+=$NF} /Socket errors/ {gsub(",","");err+=$4+$6+$8+$10}
    END {printf "%.0f %.3f %.3f %d\n", rps, p50, p99, err+0}' "$WORK/wrk-$name-$c.txt"
}

targets="direct:$UP_PORT junction:$J_PORT${PK_PID:+ portkey:$PK_PORT}"
for t in $targets; do measure "${t%%:*}" "${t#*:}" 16 5s >/dev/null; done   # warm-up (JIT, connection pools)

printf '\n%-9s %5s %10s %10s %10s %7s %12s %12s %8s\n' target conns "req/s" "p50 ms" "p99 ms" errors "+p50 ms" "+p99 ms" "RSS MB"
declare -A P50 P99
for c in $LEVELS; do
  for t in $targets; do
    name=${t%%:*}
    read -r rps p50 p99 err <<<"$(measure "$name" "${t#*:}" "$c" "$DURATION")"
    P50[$name-$c]=$p50; P99[$name-$c]=$p99
    rss="-"; [ "$name" = junction ] && rss=$(rss_mb $J_PID); [ "$name" = portkey ] && rss=$(rss_mb $PK_PID)
    add50="-"; add99="-"
    if [ "$name" != direct ]; then
      add50=$(awk -v a="$p50" -v b="${P50[direct-$c]}" 'BEGIN{printf "%.3f", a-b}')
      add99=$(awk -v a="$p99" -v b="${P99[direct-$c]}" 'BEGIN{printf "%.3f", a-b}')
    fi
    printf '%-9s %5s %10s %10s %10s %7s %12s %12s %8s\n' "$name" "$c" "$rps" "$p50" "$p99" "$err" "$add50" "$add99" "$rss"
  done
done

if [ -n "$PK_PID" ]; then
  echo
  for c in $LEVELS; do
    awk -v c="$c" -v j50="${P50[junction-$c]}" -v k50="${P50[portkey-$c]}" -v d50="${P50[direct-$c]}" \
        -v j99="${P99[junction-$c]}" -v k99="${P99[portkey-$c]}" -v d99="${P99[direct-$c]}" 'BEGIN {
      ja=j50-d50; ka=k50-d50; jb=j99-d99; kb=k99-d99
      printf "c=%-4s added p50: Junction %.3f ms vs Portkey %.3f ms (ratio %.2f)   added p99: %.3f vs %.3f ms (ratio %.2f)\n",
        c, ja, ka, (ka > 0 ? ja/ka : 0), jb, kb, (kb > 0 ? jb/kb : 0) }'
  done
fi
echo
echo "Junction heap is capped at 512 MB (-Xmx512m); RSS is sampled after each run. Raw wrk output: $WORK/wrk-*.txt"
