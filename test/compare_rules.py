#!/usr/bin/python3
"""Compares a scrape's rule series with `auditctl -l`, parsed here independently.

    compare_rules.py BODY AUDITCTL_L MAX_KEYS

BODY is a text 0.0.4 answer; AUDITCTL_L the output of `auditctl -l` taken with it. Every
linux_audit_rules_loaded{list,action,kind} and linux_audit_rules_with_key{key} sample must
equal the count auditctl's listing gives, with the same cap on distinct keys (the first
MAX_KEYS met in list order get their own series, the rest count under "(other)"), and
linux_audit_rules must equal the number of rules. Prints each difference; exits 1 on any.
"""
import shlex
import sys
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families


def expected(listing, max_keys):
    loaded = Counter()
    with_key = Counter()
    seen = []  # distinct keys in the order met
    total = 0
    for line in listing.splitlines():
        if not line.startswith("-"):
            continue  # "No rules"
        words = shlex.split(line)
        total += 1
        keys = []
        if words[0] == "-w":  # a file watch; auditctl puts watches on the exit list
            list_name, action, kind = "exit", "always", "watch"
        else:
            first, second = words[1].split(",")
            action, list_name = (first, second) if first in ("always", "never") else (second, first)
            kind = "syscall"
        for i, word in enumerate(words):
            if word == "-k":
                keys.append(words[i + 1])
            elif word == "-F" and words[i + 1].startswith("key="):
                keys.append(words[i + 1][len("key="):])
        loaded[(list_name, action, kind)] += 1
        if not keys:
            with_key["(none)"] += 1
        for key in keys:
            if key not in seen and len(seen) < max_keys:
                seen.append(key)
            with_key[key if key in seen else "(other)"] += 1
    with_key.setdefault("(none)", 0)
    return total, loaded, with_key


def scraped(body):
    total = None
    loaded = Counter()
    with_key = Counter()
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "linux_audit_rules":
                total = int(sample.value)
            elif sample.name == "linux_audit_rules_loaded":
                labels = sample.labels
                loaded[(labels["list"], labels["action"], labels["kind"])] += int(sample.value)
            elif sample.name == "linux_audit_rules_with_key":
                with_key[sample.labels["key"]] += int(sample.value)
    return total, loaded, with_key


def main():
    body = open(sys.argv[1], encoding="utf-8").read()
    listing = open(sys.argv[2], encoding="utf-8").read()
    max_keys = int(sys.argv[3])
    want_total, want_loaded, want_keys = expected(listing, max_keys)
    got_total, got_loaded, got_keys = scraped(body)
    problems = []
    if got_total != want_total:
        problems.append(f"linux_audit_rules {got_total}, auditctl -l lists {want_total}")
    if sum(got_loaded.values()) != want_total:
        problems.append(f"linux_audit_rules_loaded adds up to {sum(got_loaded.values())}")
    for labels in sorted(set(want_loaded) | set(got_loaded)):
        if got_loaded[labels] != want_loaded[labels]:
            problems.append(f"rules_loaded{labels}: {got_loaded[labels]}, auditctl -l: "
                            f"{want_loaded[labels]}")
    for key in sorted(set(want_keys) | set(got_keys)):
        if got_keys[key] != want_keys[key] or key not in got_keys:
            problems.append(f"rules_with_key{{key={key!r}}}: {got_keys.get(key)}, "
                            f"auditctl -l: {want_keys[key]}")
    for p in problems[:20]:
        print(p, file=sys.stderr)
    if not problems:
        print(f"{want_total} rules, {len(want_loaded)} list/action/kind groups, "
              f"{len(want_keys)} key series: all equal")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
