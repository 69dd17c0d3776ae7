#!/usr/bin/env bash
# The Grafana dashboard (rendered by the mixin): valid JSON with job, instance and (multi-
# cluster) cluster variables on every query; stat panels show "No data" rather than a stale
# value; multi-query tables are merged; every query, its variables filled in, is parsed and
# answered by a real Prometheus server scraping the real exporter under a job name of its
# own; and the dashboard names only series the exporter exports, and all of them.
source "$(dirname "$0")/../integration/common.sh"
source "$(dirname "$0")/series.sh"
require python3 jsonnet prometheus promtool curl
root=$(cd "$(dirname "$0")/../.." && pwd)
dashboard=$root/deploy/grafana/linux-audit.json
selectors=$root/test/deploy/promql_selectors.py

check "dashboard is valid JSON" python3 -m json.tool "$dashboard" >/dev/null

# targets FILE: every panel query, one JSON string a line.
targets() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["panels"]:
    for t in p.get("targets", []):
        print(json.dumps(t["expr"]))' "$1"
}
# variables FILE: NAME<TAB>QUERY of each query variable.
variables() {
    python3 -c '
import json, sys
for v in json.load(open(sys.argv[1]))["templating"]["list"]:
    if v["type"] == "query":
        print(v["name"] + "\t" + v["query"]["query"])' "$1"
}

check "variables: job and instance (host), nothing else but the data source" \
    test "$(variables "$dashboard" | cut -f1 | tr '\n' ' ')" = "job instance "
used=$(python3 "$selectors" --dashboard "$dashboard" 'job=~"$job"' 'instance=~"$instance"') &&
    pass "every selector of every query carries the job and instance variables" ||
    fail "every selector of every query carries the job and instance variables"
# "All" on the job variable: the jobs it offers, not a catch-all regex, which would plot the
# process_* series of every job Prometheus scrapes (itself, Alertmanager, other exporters).
check "job variable: All selects the jobs it offers, not every job" python3 - "$dashboard" <<'PY'
import json, sys
v = {v["name"]: v for v in json.load(open(sys.argv[1]))["templating"]["list"]}["job"]
sys.exit(f"job allValue {v['allValue']!r}" if v.get("allValue") else 0)
PY
check "stat panels: the current value only (instant), No data when there is none" python3 - "$dashboard" <<'PY'
import json, sys
bad = [p["title"] for p in json.load(open(sys.argv[1]))["panels"] if p["type"] == "stat" and not (
    all(t.get("instant") and not t.get("range", False) for t in p["targets"])
    and p["fieldConfig"]["defaults"].get("noValue") == "No data")]
sys.exit(f"not so: {bad}" if bad else 0)
PY
check "tables: instant queries, merged into one row per series" python3 - "$dashboard" <<'PY'
import json, sys
bad = [p["title"] for p in json.load(open(sys.argv[1]))["panels"] if p["type"] == "table" and not (
    all(t.get("instant") and t.get("format") == "table" for t in p["targets"])
    and [t["id"] for t in p.get("transformations", [])][:1] == ["merge"])]
sys.exit(f"not so: {bad}" if bad else 0)
PY
check "panels do not overlap and fit the grid" python3 - "$dashboard" <<'PY'
import json, sys
cells = set()
for p in json.load(open(sys.argv[1]))["panels"]:
    g = p["gridPos"]
    if g["x"] + g["w"] > 24:
        sys.exit(f"{p['title']} is wider than the grid")
    for x in range(g["x"], g["x"] + g["w"]):
        for y in range(g["y"], g["y"] + g["h"]):
            if (x, y) in cells:
                sys.exit(f"{p['title']} overlaps another panel")
            cells.add((x, y))
PY

# The same mixin for several clusters: a cluster variable, and on every query.
jsonnet --tla-code 'config={showMultiCluster: true}' "$root/deploy/mixin/render/dashboard.jsonnet" >"$WORK/multi.json"
check "multi-cluster: a cluster variable before job and instance" \
    test "$(variables "$WORK/multi.json" | cut -f1 | tr '\n' ' ')" = "cluster job instance "
check "multi-cluster: every selector carries the cluster, job and instance variables" \
    python3 "$selectors" --dashboard "$WORK/multi.json" 'cluster=~"$cluster"' 'job=~"$job"' 'instance=~"$instance"'
check "multi-cluster: the job and instance variables are filtered by cluster" python3 - "$WORK/multi.json" <<'PY'
import json, sys
v = {v["name"]: v for v in json.load(open(sys.argv[1]))["templating"]["list"]}
sys.exit(0 if all('cluster=~"$cluster"' in v[n]["query"]["query"] for n in ("job", "instance")) else 1)
PY

# A real Prometheus scrapes the exporter under a job name that is not the default one.
start_full_exporter dashboard
exported=$(exported_series)
expected=$(expected_series "$exported")
job=site-audit
start_prometheus "$job"
server=$PROM_URL
deadline=$((SECONDS + 60))
until [[ -n $(promtool query instant "$server" "linux_audit_up{job=\"$job\"}" 2>/dev/null) ]]; do
    if ((SECONDS > deadline)); then
        echo "Prometheus never ingested linux_audit_up" >&2
        tail -20 "$WORK/prometheus.log" >&2
        exit 1
    fi
    sleep 0.5
done
sleep 5 # enough samples for the rates over 1m

# fill EXPR: the query as Grafana sends it with this job and host selected.
fill() {
    local e=$1
    e=${e//\$cluster/.*}
    e=${e//\$job/$job}
    e=${e//\$instance/127.0.0.1:$PORT}
    e=${e//\$__rate_interval/1m}
    printf '%s' "$e"
}
# Variables: their series are answered, and offer this job and this host.
while IFS=$'\t' read -r name query; do
    series=$(fill "$(sed -n 's/^label_values(\(.*\), *[a-z_]*)$/\1/p' <<<"$query")")
    label=$(sed -n 's/^label_values(.*, *\([a-z_]*\))$/\1/p' <<<"$query")
    check "variable $name: $query offers $label of the exporter" bash -c \
        'promtool query instant "$1" "$2" | grep -q "$3=\"$4\""' _ "$server" "$series" "$label" \
        "$([[ $label == job ]] && echo "$job" || echo "127.0.0.1:$PORT")"
done < <(variables "$dashboard")
check "Prometheus refuses a broken query (so the checks below can fail)" bash -c \
    '! promtool query instant "$1" "rate(linux_audit_up{job=\"x\"}[1m]" 2>/dev/null' _ "$server"
# Panels: every query parses; those over series this build exports return data.
while IFS= read -r line; do
    expr=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1]))' "$line")
    query=$(fill "$expr")
    if ! out=$(promtool query instant "$server" "$query" 2>&1); then
        fail "Prometheus answers $query: $out"
        continue
    fi
    names=$(python3 "$selectors" <<<"$line")
    if grep -qvxFf <(echo "$exported") <<<"$names"; then
        pass "Prometheus parses $query (series not exported by this build yet)"
    else
        check "Prometheus answers $query with data" test -n "$out"
    fi
done < <(targets "$dashboard")
check "Prometheus logged no error" bash -c '! grep -qi "level=error" "$1"' _ "$WORK/prometheus.log"

for name in $used; do
    check "dashboard series $name is exported" grep -qx "$name" <<<"$expected"
done
for name in $expected; do
    check "exported series $name is on the dashboard" grep -qx "$name" <<<"$used"
done

finish
