#!/bin/bash
# Makes a scratch copy of HEAD for one Stryker.NET run over one folder of Memory/ (see docs/testing.md, "Mutation
# testing"): only the tests under CosmosKernel.Tests/Memory/ are kept (the kernel, build and tool tests reach no
# Memory/ code and need the kernel image), the random-sequence tests run a tenth of their samples, and the two Long
# runs skip. Usage: stryker-scratch.sh DEST FOLDER [TESTS...]
#   FOLDER: Heap, Physical, Paging, Virtual or Faults (what is mutated)
#   TESTS:  test folders under CosmosKernel.Tests/Memory/ to keep (default: all of them)
# Then: cd DEST && dotnet tool restore && cd CosmosKernel.Tests && dotnet tool run dotnet-stryker --output DEST/out
set -e
dest=$1; folder=$2; shift 2
repo=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$dest"; mkdir -p "$dest"
git -C "$repo" archive HEAD | tar -x -C "$dest"
cd "$dest/CosmosKernel.Tests"
for d in Build Kernel Runtime Source Suites User Benchmarks Core; do rm -rf "$d"; done
if [ $# -gt 0 ]; then
  for d in Memory/*/; do
    keep=0; for k in "$@"; do [ "Memory/$k/" = "$d" ] && keep=1; done
    [ $keep = 0 ] && rm -rf "$d"
  done
fi
python3 - <<'P'
import re, glob
p = 'CosmosKernel.Tests.csproj'; s = open(p).read()
s = re.sub(r'\s*<ProjectReference Include="\.\./(Core|CosmosKernel|Build|Benchmarks)/[^>]*/>', '', s)
s = re.sub(r'\s*<ProjectReference Include="Build/Fixtures[^>]*/>', '', s)
s = re.sub(r'\s*<Compile Include="\.\./CosmosKernel/Shell/TextWrap.cs"[^>]*/>', '', s)
open(p, 'w').write(s)
tenth = lambda n: str(max(2, int(n) // 10))
for f in glob.glob('**/*.cs', recursive=True):
    t = o = open(f).read()
    t = t.replace('MemOS.Tests.Kernel.KernelTestEnvironment.SkipIfSlowSkipped();',
                  'Assert.Ignore("Long run: skipped under Stryker");')
    t = re.sub(r'iter: (poison \? )?(\d+)( : )?(\d+)?', lambda m: 'iter: ' + (m.group(1) or '') + tenth(m.group(2))
               + ((m.group(3) + tenth(m.group(4))) if m.group(4) else ''), t)
    t = t.replace('300_000', '30_000')  # the PMM's frame-cost comparison
    if t != o: open(f, 'w').write(t)
P
cd ..
# The Long runs' bodies become unreachable after Assert.Ignore: a warning, not an error, here.
sed -i 's#<TreatWarningsAsErrors>true#<TreatWarningsAsErrors>false#' Directory.Build.props
cat > CosmosKernel.Tests/stryker-config.json <<J
{ "stryker-config": { "project": "Memory.csproj", "test-projects": ["CosmosKernel.Tests.csproj"],
  "coverage-analysis": "perTest", "mutate": ["**/$folder/**/*.cs"], "reporters": ["progress", "html", "json"],
  "concurrency": 2, "additional-timeout": 2000, "thresholds": { "high": 80, "low": 60, "break": 0 } } }
J
git init -q && git add -A && git commit -qm "scratch copy for Stryker ($folder)"
