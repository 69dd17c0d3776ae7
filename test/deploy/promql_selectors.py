#!/usr/bin/env python3
"""Checks that every metric selector in PromQL expressions carries the given matchers, and
prints the metric names the expressions use (one a line).

Usage: promql_selectors.py [--rules FILE | --dashboard FILE] MATCHER...
The expressions: those of a Prometheus rules file, of a Grafana dashboard's panels, or one a
line on stdin as JSON strings. No expression at all is an error. A matcher is label matcher text that must appear inside the braces of every selector of an
exporter series (linux_audit_*, process_*, up), e.g. 'job=~"$job"'. Exit 1 naming the
expression and selector that lack one, or a bare metric name without braces."""
import json
import re
import sys

METRIC = re.compile(r"(linux_audit_[a-z_]+|process_[a-z_]+|up)\b")
FUNCTIONS_AND_KEYWORDS = re.compile(r"[a-zA-Z_][a-zA-Z0-9_:]*")


def selectors(expr):
    """Yields (name, matcher text or None) for each metric name outside strings and braces."""
    i = 0
    n = len(expr)
    while i < n:
        c = expr[i]
        if c in "\"'`":  # a string outside braces (label_replace arguments)
            end = expr.index(c, i + 1)
            while expr[end - 1] == "\\":
                end = expr.index(c, end + 1)
            i = end + 1
            continue
        if c.isalpha() or c == "_":
            word = FUNCTIONS_AND_KEYWORDS.match(expr, i).group(0)
            start = i
            i += len(word)
            if start > 0 and (expr[start - 1].isalnum() or expr[start - 1] == "_"):
                continue
            if not METRIC.fullmatch(word):
                continue
            j = i
            while j < n and expr[j] == " ":
                j += 1
            if j < n and expr[j] == "(":
                continue  # a function of that name (none today)
            if j < n and expr[j] == "{":
                k = j + 1
                in_string = False
                while expr[k] != "}" or in_string:
                    if expr[k] == '"' and expr[k - 1] != "\\":
                        in_string = not in_string
                    k += 1
                yield word, expr[j + 1:k]
                i = k + 1
            else:
                yield word, None
            continue
        if c == "{":  # a selector without a name
            i = expr.index("}", i) + 1
            continue
        i += 1


def expressions(args):
    if args[:1] == ["--rules"]:
        import yaml
        groups = yaml.safe_load(open(args[1]))["groups"]
        return [r["expr"] for g in groups for r in g["rules"]], args[2:]
    if args[:1] == ["--dashboard"]:
        panels = json.load(open(args[1]))["panels"]
        return [t["expr"] for p in panels for t in p.get("targets", [])], args[2:]
    return [json.loads(line) for line in sys.stdin if line.strip()], args


def main():
    exprs, required = expressions(sys.argv[1:])
    if not exprs:
        sys.exit("no expressions to check")
    names = set()
    bad = 0
    for expr in exprs:
        found = list(selectors(expr))
        if not found and "time()" not in expr:
            print(f"no exporter series in: {expr}", file=sys.stderr)
            bad += 1
        for name, matchers in found:
            names.add(name)
            missing = [m for m in required if matchers is None or m not in matchers]
            if missing:
                print(f"selector {name}{{{matchers or ''}}} lacks {missing} in: {expr}", file=sys.stderr)
                bad += 1
    print("\n".join(sorted(names)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
