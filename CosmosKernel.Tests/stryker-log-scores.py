#!/usr/bin/env python3
"""Per-file scores from a Stryker.NET 5.1.0 debug log, for a run stopped before it wrote its report.

Usage: stryker-log-scores.py OUTPUT/logs/log-DATE.txt Physical/ [--survivors]
A mutant counts as survived when a test run that included it passed (Stryker groups mutants whose covering tests
are disjoint, so a passing group means every one of them survived), as killed when a run of it alone failed, and
as not covered when the log says so. Mutants of failing groups not yet re-run alone are left out: the figure covers
only what the run had settled, and since a passing group settles many mutants at once and a failing one none, a
stopped run has settled survivors sooner than kills (its score leans low).
"""
import re, sys, collections
log = open(sys.argv[1]).read().splitlines()
folder = sys.argv[2]
cur = None; where = {}; what = {}
for line in log:
    m = re.search(r'Mutating "([^"]+)"', line)
    if m: cur = m.group(1).split('/Memory/', 1)[1]; continue
    m = re.search(r'Mutant (\d+) created (.*) using "[^"]*\.(\w+)"', line)
    if m: where[int(m.group(1))] = cur; what[int(m.group(1))] = (m.group(2)[:150], m.group(3))
status = {}
nocov = set()
for line in log:
    m = re.search(r'Mutant (\d+) is not covered by any test', line)
    if m: nocov.add(int(m.group(1)))
    m = re.search(r'Test run for "([^"]+)" is "(\w+)"', line)
    if not m: continue
    ids = [int(x.split(':')[0]) for x in m.group(1).split(', ')]
    if m.group(2) == 'success':
        for i in ids: status[i] = 'survived'
    elif len(ids) == 1: status[ids[0]] = 'killed' if m.group(2) == 'failed' else m.group(2)
per = collections.defaultdict(collections.Counter)
for i, s in status.items():
    if where.get(i, '').startswith(folder): per[where[i]][s] += 1
for i in nocov:
    if where.get(i, '').startswith(folder): per[where[i]]['nocov'] += 1
tot = collections.Counter()
for f in sorted(per):
    c = per[f]; tot += c
    n = c['killed'] + c['survived']
    print(f"| `{f.split('/')[-1]}` | {c['killed']} / {c['survived']} / {c['nocov']} | "
          f"{100*c['killed']/n if n else 0:.1f} % |")
n = tot['killed'] + tot['survived']
other = {k: v for k, v in tot.items() if k not in ('killed', 'survived', 'nocov')}
print(f"| **{folder}** | {tot['killed']} / {tot['survived']} / {tot['nocov']} | {100*tot['killed']/n:.1f} % | "
      f"with no-coverage: {100*tot['killed']/(n+tot['nocov']):.1f} % | other: {other}")
if '--survivors' in sys.argv:
    for i in sorted(status):
        if status[i] == 'survived' and where.get(i, '').startswith(folder):
            print(where[i].split('/')[-1], i, what[i][1], what[i][0])
