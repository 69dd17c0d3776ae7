#!/usr/bin/python3
"""Checks scrape answers with the strict parsers a scraper may use.

    check_exposition.py FILE...

Each FILE is one answer body as served (gzip is recognised by its magic bytes and
unpacked). An answer that ends in "# EOF" is OpenMetrics 1.0.0: it must pass the strict
OpenMetrics parser of python3-prometheus-client (which rejects clashing family names, a
missing # EOF, ...) and that package's text parser. Any other answer is text 0.0.4: it
must pass the text parser and `promtool check metrics` with nothing to say. On top of the
parsers, no family name may be declared twice, no sample name may belong to two families
(the Python text parser merges such families silently) and no series may appear twice. Exits 1 naming every problem.

Run with /usr/bin/python3: Debian's python3-prometheus-client is installed for that one.
(promtool 2.42 reads only text 0.0.4: on OpenMetrics it reports the counters' help as
missing, because OpenMetrics names a counter's family without "_total".)
"""
import gzip
import subprocess
import sys

from prometheus_client.openmetrics.parser import \
    text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text


def declared_names(text):
    """Problems with # TYPE lines: a family declared twice, or samples outside theirs."""
    problems = []
    declared = {}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            name, kind = parts[2], parts[3] if len(parts) > 3 else ""
            if name in declared:
                problems.append(f"line {number}: family {name} declared twice")
            declared[name] = kind
            current = (name, kind)
        elif line and not line.startswith("#"):
            sample = line.split("{", 1)[0].split(" ", 1)[0]
            if current is None:
                problems.append(f"line {number}: sample {sample} before any # TYPE")
                continue
            name, kind = current
            allowed = {name}
            if kind == "counter":
                allowed |= {name + "_total", name + "_created"}
                if name.endswith("_total"):  # text 0.0.4 names the family with the suffix
                    allowed.add(name)
            if sample not in allowed:
                problems.append(f"line {number}: sample {sample} is not of family {name}")
    return problems


def duplicate_series(text):
    """Samples with the same name and labels: the parsers accept them, Prometheus drops one."""
    problems = []
    seen = set()
    for family in parse_text(text):
        for sample in family.samples:
            series = (sample.name, tuple(sorted(sample.labels.items())))
            if series in seen:
                problems.append(f"series {sample.name}{sample.labels} twice")
            seen.add(series)
    return problems


def check(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return [f"not UTF-8: {error}"]
    problems = []
    openmetrics = text.endswith("# EOF\n")
    if openmetrics:
        try:
            families = list(parse_openmetrics(text))
            if not families:
                problems.append("OpenMetrics parser: no families")
        except Exception as error:  # the parser raises ValueError and others
            problems.append(f"strict OpenMetrics parser: {error}")
    try:
        if not list(parse_text(text)):
            problems.append("text parser: no families")
    except Exception as error:
        problems.append(f"text parser: {error}")
    problems += declared_names(text)
    problems += duplicate_series(text)
    if not openmetrics:
        lint = subprocess.run(["promtool", "check", "metrics"], input=text, text=True,
                              capture_output=True, check=False)
        said = (lint.stdout + lint.stderr).strip()
        if lint.returncode != 0 or said:
            problems.append(f"promtool check metrics (exit {lint.returncode}): {said}")
    kind = "OpenMetrics" if openmetrics else "text 0.0.4"
    return [f"{path} ({kind}): {p}" for p in problems]


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    for path in sys.argv[1:]:
        problems += check(path)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
