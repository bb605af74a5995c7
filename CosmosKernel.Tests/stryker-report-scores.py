#!/usr/bin/env python3
"""Per-file scores from a finished Stryker.NET run's JSON report, and the survivors of one file.

Usage: stryker-report-scores.py OUT/reports/mutation-report.json [File.cs]
Score = (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's own; compile errors and ignored
mutants are not counted. With a file name, lists its surviving and not-covered mutants with their source lines.
"""
import json, sys, collections
report = json.load(open(sys.argv[1]))
total = collections.Counter()
for path, f in sorted(report['files'].items()):
    name = path.split('/')[-1]
    if len(sys.argv) > 2:
        if name != sys.argv[2]: continue
        lines = f['source'].split('\n')
        for m in sorted(f['mutants'], key=lambda m: m['location']['start']['line']):
            if m['status'] in ('Survived', 'NoCoverage'):
                line = m['location']['start']['line']
                print(f"#{m['id']} {m['status']} line {line} [{m['mutatorName']}] -> {m.get('replacement', '')!r}")
                print('    ' + lines[line - 1].strip())
        continue
    c = collections.Counter(m['status'] for m in f['mutants'])
    total += c
    k, s, n = c['Killed'] + c['Timeout'], c['Survived'], c['NoCoverage']
    if k + s + n:
        print(f"| `{name}` | {c['Killed']} / {c['Timeout']} / {s} / {n} | {100 * k / (k + s + n):.1f} % |")
if len(sys.argv) == 2:
    k, s, n = total['Killed'] + total['Timeout'], total['Survived'], total['NoCoverage']
    print(f"| **all** | {total['Killed']} / {total['Timeout']} / {s} / {n} | **{100 * k / (k + s + n):.1f} %** |")
