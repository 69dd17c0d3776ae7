#!/usr/bin/env bash
# The Grafana dashboard parses, has a host variable, names only series the exporter exports,
# and covers every series it exports.
source "$(dirname "$0")/../integration/common.sh"
require python3
dashboard=$(dirname "$0")/../../deploy/grafana/linux-audit.json

check "dashboard is valid JSON" python3 -m json.tool "$dashboard" >/dev/null
check "dashboard has a host (instance) variable" python3 - "$dashboard" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [v["name"] for v in d["templating"]["list"]]
sys.exit(0 if "instance" in names else 1)
PY
used=$(python3 - "$dashboard" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in d["panels"] for t in p.get("targets", [])]
names = set()
for e in exprs:
    names.update(re.findall(r"\b((?:linux_audit|process)_[a-z_]+)\b", e))
print("\n".join(sorted(names)))
PY
)
start_exporter dashboard
exported=$(scrape | awk '!/^#/ { sub(/[{ ].*/, "", $1); print $1 }' | sort -u)
for name in $used; do
    check "dashboard series $name is exported" grep -qx "$name" <<<"$exported"
done
for name in $exported; do
    check "exported series $name is on the dashboard" grep -qx "$name" <<<"$used"
done

finish
