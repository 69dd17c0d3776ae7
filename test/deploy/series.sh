# Sourced by the deploy tests after test/integration/common.sh: which series the exporter
# exports, as the alerts and the dashboard may name them.
pending_list=$(dirname "${BASH_SOURCE[0]}")/pending-series.txt

# start_full_exporter NAME: the exporter with every collector it has.
start_full_exporter() { start_exporter "$1" ++ --collector.records; }

# exported_series: the names one scrape of the running exporter shows (sample names, so
# counters with _total), one a line.
exported_series() { scrape | awk '!/^#/ && NF { sub(/[{ ].*/, "", $1); print $1 }' | sort -u; }

# expected_series EXPORTED: what alerts and dashboard may name: the exported names, plus the
# allow-listed names not exported yet, minus the retired ones.
expected_series() {
    local exported=$1 name
    for name in $(grep -v '^#\|^retired ' "$pending_list"); do
        if grep -qx "$name" <<<"$exported"; then
            echo "note: $name is exported now: remove it from the allow-list $pending_list" >&2
        fi
    done
    {
        grep -vxFf <(awk '$1 == "retired" { print $2 }' "$pending_list") <<<"$exported" || true
        grep -v '^#\|^retired ' "$pending_list" || true # an empty allow-list is fine
    } | sort -u
}
