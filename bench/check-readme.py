#!/usr/bin/python3
"""Checks that the README's benchmark figures are those of the committed run.

usage: check-readme.py [README.md] [RESULTS.tsv]   (default: README.md, docs/bench-results.tsv)

Regenerates the tables from RESULTS.tsv (the full run's results.tsv, copied
to docs/ with the README's figures) and fails unless README.md holds them
verbatim: a figure typed in by hand, or a table from another run, fails.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (bench/report.py, beside this file)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    readme_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "README.md")
    results_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "docs", "bench-results.tsv")
    with open(readme_path, encoding="utf-8") as readme:
        text = readme.read()
    tables = report.markdown(report.Results(results_path), "full")
    missing = [line for line in tables.splitlines() if line and line not in text]
    if missing:
        print(f"check-readme.py: {readme_path} lacks {len(missing)} line(s) of the tables made from "
              f"{results_path}, the first:\n  {missing[0]}", file=sys.stderr)
        return 1
    print(f"check-readme.py: {readme_path} shows the figures of {results_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
