using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// The programs whose heap calls are recorded, each with a fixed workload (its inputs are written here, so a
/// re-recording does the same work). Program names are looked up on PATH; a missing one is skipped.
/// </summary>
public static class TraceWorkloads
{
    /// <summary>One recording: the program, its arguments (inputs in the work directory), and its environment.
    /// </summary>
    public sealed record Workload(string Name, string Program, string[] Arguments, string What,
        Dictionary<string, string>? Environment = null);

    /// <summary>The git commit the git workload logs from (a commit of this repository, so the output is fixed).
    /// </summary>
    public const string GitCommit = "4dd06c8";

    public static List<Workload> All(string repositoryRoot) =>
    [
        new("gcc", "gcc", ["-O2", "-c", "memtrace.c", "-o", "memtrace.o"],
            "gcc -O2 -c memtrace.c (the recorder's own source); trace of cc1"),
        new("g++", "g++", ["-O2", "-c", "prog.cpp", "-o", "prog.o"],
            "g++ -O2 -c of a 60-line C++ file using map, string, vector, algorithm, memory; trace of cc1plus"),
        new("git", "git", ["--no-pager", "-C", repositoryRoot, "log", "--stat", "-n", "300", GitCommit],
            $"git log --stat -n 300 {GitCommit} on this repository"),
        new("python3", "python3", ["prog.py"],
            "python3 (PYTHONMALLOC=malloc): 4,000 records built, sorted, grouped, dumped as JSON and parsed",
            new() { ["PYTHONHASHSEED"] = "0", ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONMALLOC"] = "malloc" }),
        new("perl", "perl", ["prog.pl"], "perl: word counts and regex substitutions over 10,000 generated lines",
            new() { ["PERL_HASH_SEED"] = "0", ["PERL_PERTURB_KEYS"] = "0" }),
        new("sqlite3", "sqlite3", [":memory:", ".read prog.sql"],
            "sqlite3 :memory:: a table grown to 20,000 rows with rows growing to 2 KiB, an index, group-by queries"),
        new("jq", "jq", ["-c", JqProgram, "data.json"], "jq over a 10,000-element JSON array: select, group_by, map"),
        new("node", "node", ["prog.js"], "node: 20,000 objects in a Map, JSON stringify and parse, string building"),
    ];

    private const string JqProgram =
        "[.[] | select(.n % 3 != 0) | {k: .name, v: (.tags | length), w: (.n * 2)}] | group_by(.v) "
        + "| map({v: .[0].v, c: length, s: (map(.w) | add)})";

    /// <summary>Write every workload's inputs into <paramref name="directory"/>.</summary>
    public static void WriteInputs(string directory, string recorderSource)
    {
        File.Copy(recorderSource, Path.Combine(directory, "memtrace.c"), overwrite: true);
        File.WriteAllText(Path.Combine(directory, "prog.cpp"), Cpp);
        File.WriteAllText(Path.Combine(directory, "prog.py"), Python);
        File.WriteAllText(Path.Combine(directory, "prog.pl"), Perl);
        File.WriteAllText(Path.Combine(directory, "prog.sql"), Sql);
        File.WriteAllText(Path.Combine(directory, "prog.js"), Node);
        var json = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++)
        {
            if (i > 0) json.Append(",\n");
            json.Append($"{{\"n\":{i},\"name\":\"item-{i * 7919 % 20000}\",\"tags\":[");
            for (int t = 0; t < i % 7; t++) json.Append(t > 0 ? "," : "").Append($"\"t{(i + t) % 13}\"");
            json.Append($"],\"nested\":{{\"a\":{i % 17},\"b\":\"{new string('x', i % 40)}\"}}}}");
        }
        File.WriteAllText(Path.Combine(directory, "data.json"), json.Append("]\n").ToString());
    }

    private const string Cpp = """
        #include <algorithm>
                #include <map>
        #include <memory>
        #include <cstdio>
        #include <string>
        #include <vector>

        template <typename K, typename V>
        class Index {
        public:
            void add(const K& key, V value) { items_[key].push_back(std::move(value)); }
            std::vector<K> keys() const {
                std::vector<K> out;
                for (const auto& [k, v] : items_) out.push_back(k);
                return out;
            }
            std::size_t count(const K& key) const {
                auto it = items_.find(key);
                return it == items_.end() ? 0 : it->second.size();
            }
        private:
            std::map<K, std::vector<V>> items_;
        };

        struct Shape {
            virtual ~Shape() = default;
            virtual double area() const = 0;
            virtual std::string name() const = 0;
        };
        struct Square : Shape {
            double side;
            explicit Square(double s) : side(s) {}
            double area() const override { return side * side; }
            std::string name() const override { return "square"; }
        };
        struct Circle : Shape {
            double radius;
            explicit Circle(double r) : radius(r) {}
            double area() const override { return 3.14159 * radius * radius; }
            std::string name() const override { return "circle"; }
        };

        int main() {
            Index<std::string, std::unique_ptr<Shape>> index;
            for (int i = 0; i < 100; i++) {
                std::string key = "shape" + std::to_string(i % 10);
                if (i % 2) index.add(key, std::make_unique<Square>(i));
                else index.add(key, std::make_unique<Circle>(i));
            }
            auto keys = index.keys();
            std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) { return a > b; });
            for (const auto& k : keys) std::printf("%s %zu\n", k.c_str(), index.count(k));
            return 0;
        }

        """;

    private const string Python = """
        import json

        records = []
        for i in range(4000):
            records.append({"id": i, "name": "item-%d" % (i * 7919 % 4000),
                            "tags": ["t%d" % ((i + t) % 13) for t in range(i % 6)],
                            "score": (i * 37) % 1001 / 10.0})
        records.sort(key=lambda r: (r["score"], r["name"]))
        groups = {}
        for r in records:
            groups.setdefault(len(r["tags"]), []).append(r["name"].upper())
        summary = {k: (len(v), min(v), max(v)) for k, v in sorted(groups.items())}
        text = json.dumps(records[:2000])
        back = json.loads(text)
        words = " ".join(r["name"] for r in back).split()
        print(len(text), len(words), summary[0][0])

        """;

    private const string Perl = """
        use strict;
        use warnings;

        my %count;
        my @lines;
        for my $i (0 .. 9999) {
            my $line = join(" ", map { "w" . (($i * 31 + $_ * 7) % 997) } 0 .. ($i % 9));
            $line =~ s/w(\d)(\d)/x$2$1/g;
            push @lines, $line;
            $count{$_}++ for split / /, $line;
        }
        my @top = (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count)[0 .. 9];
        my $joined = join("\n", grep { /x1/ } @lines);
        print scalar(@lines), " ", scalar(keys %count), " ", length($joined), " @top\n";

        """;

    private const string Sql = """
        CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, body TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO items(name, grp, body)
            SELECT printf('item-%05d', (i * 7919) % 20000), i % 97, substr(hex(zeroblob(1024)), 1, (i % 2048) + 1)
            FROM n;
        CREATE INDEX items_name ON items(name);
        UPDATE items SET body = body || body WHERE grp % 5 = 0;
        SELECT grp, count(*), sum(length(body)) FROM items GROUP BY grp ORDER BY grp LIMIT 5;
        SELECT name FROM items WHERE name LIKE 'item-1%' ORDER BY name DESC LIMIT 3;
        DELETE FROM items WHERE grp % 3 = 0;
        SELECT count(*), max(length(body)) FROM items;

        """;

    private const string Node = """
        const m = new Map();
        for (let i = 0; i < 20000; i++) {
            const tags = Array.from({ length: i % 6 }, (_, t) => "t" + ((i + t) % 13));
            m.set("key-" + (i * 7919 % 20000), { id: i, tags: tags });
        }
        const arr = [...m.values()].filter(o => o.id % 3 !== 0);
        const text = JSON.stringify(arr);
        const back = JSON.parse(text);
        let s = "";
        for (const o of back.slice(0, 10000)) s += o.id.toString(36) + ",";
        console.log(m.size, arr.length, text.length, s.length);

        """;
}
