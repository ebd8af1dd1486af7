using System.Globalization;
using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Runs;

namespace Workbench.Papers.LearnedIndex;

/// <summary>Tables, figures and the "paper vs ours" table of the learned-index notebook.</summary>
public static class LearnedIndexReport
{
    static string F(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A measurement list as a table; with <paramref name="independentNs"/> (one independent memory access, ns) it
    /// adds each index's simulated misses per lookup, its memory bound (misses × access) and batched time / bound.</summary>
    public static DataFrame Table(IEnumerable<IndexMeasurement> rows, string? keySet = null, double? independentNs = null)
    {
        var list = rows.ToList();
        var columns = new List<DataFrameColumn>();
        if (keySet is not null) columns.Add(new StringDataFrameColumn("key_set", list.Select(_ => keySet)));
        columns.AddRange(
        [
            new StringDataFrameColumn("index", list.Select(r => r.Name)),
            new DoubleDataFrameColumn("size_kb", list.Select(r => (double?)Math.Round(r.SizeBytes / 1024.0, 1))),
            new DoubleDataFrameColumn("ns_per_lookup", list.Select(r => (double?)Math.Round(r.NsPerLookup, 1))),
            new DoubleDataFrameColumn("ns_batched", list.Select(r => (double?)Math.Round(r.NsPerLookupBatched, 1))),
            new DoubleDataFrameColumn("build_ns_per_key", list.Select(r => (double?)Math.Round(r.BuildNsPerKey, 1))),
            new DoubleDataFrameColumn("avg_lg2", list.Select(r => (double?)Math.Round(r.AvgLg2, 2))),
            new DoubleDataFrameColumn("max_lg2", list.Select(r => (double?)Math.Round(r.MaxLg2, 2))),
        ]);
        if (independentNs is double access && list.Any(r => !double.IsNaN(r.MissesPerLookup)))
        {
            columns.Add(new DoubleDataFrameColumn("misses_per_lookup", list.Select(r => (double?)Math.Round(r.MissesPerLookup, 2))));
            columns.Add(new DoubleDataFrameColumn("bound_ns", list.Select(r => (double?)Math.Round(r.MissesPerLookup * access, 1))));
            columns.Add(new DoubleDataFrameColumn("batched_vs_bound",
                list.Select(r => (double?)Math.Round(r.NsPerLookupBatched / (r.MissesPerLookup * access), 2))));
        }
        return new DataFrame(columns);
    }

    /// <summary>Every table of the report, in notebook order.</summary>
    public static IReadOnlyList<(string Name, DataFrame Table)> Tables(LearnedIndexConfig c, MainResult main,
        IReadOnlyList<KeySetResult> sets, BloomResult bloom)
    {
        var roots = sets.Select(s => Table(s.Roots, s.KeySet)).ToList();
        var rootTable = roots.Count == 0 ? new DataFrame() : roots[0];
        for (int i = 1; i < roots.Count; i++) rootTable = rootTable.Append(roots[i].Rows, inPlace: false);
        var hash = new DataFrame(
            new StringDataFrameColumn("key_set", sets.Select(s => s.KeySet)),
            new Int32DataFrameColumn("keys", sets.Select(s => (int?)s.KeyCount)),
            new DoubleDataFrameColumn("learned_conflicts", sets.Select(s => (double?)Math.Round(s.LearnedConflicts, 4))),
            new DoubleDataFrameColumn("random_conflicts", sets.Select(s => (double?)Math.Round(s.RandomConflicts, 4))),
            new DoubleDataFrameColumn("reduction", sets.Select(s => (double?)Math.Round(1 - s.LearnedConflicts / s.RandomConflicts, 3))),
            new DoubleDataFrameColumn("model_kb", sets.Select(s => (double?)Math.Round(s.HashModelBytes / 1024.0, 1))));
        var bloomTable = new DataFrame(
            new DoubleDataFrameColumn("bits_per_key", bloom.Points.Select(p => (double?)p.BitsPerKey)),
            new DoubleDataFrameColumn("memory_kb", bloom.Points.Select(p => (double?)Math.Round(p.MemoryKb, 2))),
            new DoubleDataFrameColumn("plain_fpr", bloom.Points.Select(p => (double?)Math.Round(p.PlainFpr, 5))),
            new DoubleDataFrameColumn("learned_fpr", bloom.Points.Select(p => (double?)Math.Round(p.LearnedFpr, 5))),
            new DoubleDataFrameColumn("threshold", bloom.Points.Select(p => (double?)Math.Round(p.Threshold, 3))),
            new Int32DataFrameColumn("backup_keys", bloom.Points.Select(p => (int?)p.BackupKeys)));
        return
        [
            ("indexes", Table(main.Indexes, main.KeySet, main.IndependentNs)),
            ("last-mile", Table(main.LastMile, main.KeySet)),
            ("root-ablation", rootTable),
            ("learned-hash", hash),
            ("learned-bloom", bloomTable),
            ("paper-vs-ours", PaperVsOursTable(c, main, sets, bloom)),
        ];
    }

    /// <summary>Every figure of the report, in notebook order.</summary>
    public static IReadOnlyList<Figure> All(string paper, LearnedIndexConfig c, MainResult main, IReadOnlyList<KeySetResult> sets,
        BloomResult bloom)
    {
        var figures = new List<Figure>();
        if (sets.Count > 0)
        {
            var panels = sets.Select(s => Plots.Lines(paper, "cdf-" + s.KeySet, $"{s.KeySet} ({s.KeyCount:N0} keys)",
                "key" + (s.KeySet == "lognormal" ? " (log scale)" : ""), "CDF",
                [new Curve("keys", s.CdfKeys, s.Cdf), new Curve($"RMI {EnumNames.Of(c.Root)} fit", s.CdfKeys, s.FitCdf, Dash: "dash")],
                x: s.KeySet == "lognormal" ? Scale.Log : Scale.Linear)).ToList();
            figures.Add(Plots.SmallMultiples(paper, "cdf-fit",
                $"Key CDFs and the RMI's fit ({EnumNames.Of(c.Root)} root, {c.Leaves:N0} leaves)",
                panels, Math.Min(3, panels.Count)));
        }

        // Order fixes the palette: RMI linear first (blue), then the baselines in their house colours, then the other roots.
        var curves = new List<Curve>();
        var bs = main.Indexes.FirstOrDefault(r => r.Family == "binary search");
        var families = main.Indexes.Select(r => r.Family).Distinct().Where(f => !f.StartsWith("binary", StringComparison.Ordinal)).ToList();
        var order = families.Where(f => f == "RMI linear").Concat(["binary search"])
            .Concat(families.Where(f => !f.StartsWith("RMI", StringComparison.Ordinal)))
            .Concat(families.Where(f => f.StartsWith("RMI", StringComparison.Ordinal) && f != "RMI linear")).ToList();
        double lo = main.Indexes.Where(r => r.SizeBytes > 0).Select(r => r.SizeBytes / 1024.0).DefaultIfEmpty(1).Min();
        double hi = main.Indexes.Select(r => r.SizeBytes / 1024.0).DefaultIfEmpty(1).Max();
        foreach (var family in order)
        {
            if (family == "binary search")
            {
                if (bs is not null) curves.Add(new Curve("binary search", [lo, hi], [bs.NsPerLookup, bs.NsPerLookup], Dash: "dash"));
                continue;
            }
            var rows = main.Indexes.Where(r => r.Family == family).OrderBy(r => r.SizeBytes).ToList();
            curves.Add(new Curve(family, rows.Select(r => r.SizeBytes / 1024.0).ToList(), rows.Select(r => r.NsPerLookup).ToList(),
                Markers: true));
        }
        // Batched lookups (FindMany) of binary search, the B+tree and the main RMI, and how far they are from the hardware:
        // one dependent access (pointer chase) over an array as large as the keys, and the memory bound of the batched
        // RMI = simulated misses per lookup × the time of one independent access (gather).
        string mainRoot = "RMI " + EnumNames.Of(c.Root);
        if (bs is not null)
            curves.Add(new Curve("binary search, batched", [lo, hi], [bs.NsPerLookupBatched, bs.NsPerLookupBatched], Dash: "dot"));
        foreach (var family in new[] { "B+tree", mainRoot })
        {
            var rows = main.Indexes.Where(r => r.Family == family).OrderBy(r => r.SizeBytes).ToList();
            if (rows.Count > 0)
                curves.Add(new Curve(family + ", batched", rows.Select(r => r.SizeBytes / 1024.0).ToList(),
                    rows.Select(r => r.NsPerLookupBatched).ToList(), Markers: true, Dash: "dot"));
        }
        // Where the keys fit in the cache the simulated misses are ~0 and the bound says nothing: drawn from 0.1 miss up.
        var bounded = main.Indexes.Where(r => r.Family == mainRoot && r.MissesPerLookup >= 0.1).OrderBy(r => r.SizeBytes).ToList();
        if (bounded.Count > 0 && !double.IsNaN(main.IndependentNs))
            curves.Add(new Curve($"memory bound of the batched {mainRoot} (misses × independent access)",
                bounded.Select(r => r.SizeBytes / 1024.0).ToList(), bounded.Select(r => r.MissesPerLookup * main.IndependentNs).ToList(),
                Dash: "dash"));
        if (!double.IsNaN(main.DependentNs))
            curves.Add(new Curve("one dependent memory access (pointer chase)", [lo, hi],
                [main.DependentNs, main.DependentNs], Dash: "dash"));
        var sizeVsLatency = Plots.Lines(paper, "size-vs-latency",
            $"Size vs lookup time ({main.KeySet}, {main.KeyCount:N0} keys, random present keys; dotted: batched)",
            "index size (KB, log scale; B+tree: page size, PGM: ε, RMI: branching)", "ns per lookup (log scale)", curves,
            Scale.Log, Scale.Log);
        // A batched curve is dotted in its index's colour, so "B+tree" and "B+tree, batched" read as one index.
        var traces = sizeVsLatency.Spec["data"]!.AsArray().OfType<System.Text.Json.Nodes.JsonObject>().ToList();
        foreach (var trace in traces.Where(t => ((string?)t["name"])?.EndsWith(", batched", StringComparison.Ordinal) == true))
        {
            string baseName = ((string)trace["name"]!)[..^", batched".Length];
            if (traces.FirstOrDefault(t => (string?)t["name"] == baseName)?["line"]?["color"] is { } color)
            {
                if (trace["line"] is System.Text.Json.Nodes.JsonObject line) line["color"] = color.DeepClone();
                if (trace["marker"] is System.Text.Json.Nodes.JsonObject marker) marker["color"] = color.DeepClone();
            }
        }
        figures.Add(LegendBelow(sizeVsLatency));

        var rmiFamilies = main.Indexes.Select(r => r.Family).Distinct().Where(f => f.StartsWith("RMI", StringComparison.Ordinal)).ToList();
        Figure ErrorPanel(string metric, Func<IndexMeasurement, double> value) => Plots.Lines(paper, "error-" + metric,
            metric + " vs branching", "leaf models (log scale)", metric + " (binary-search steps)",
            rmiFamilies.Select(f =>
            {
                var rows = main.Indexes.Where(r => r.Family == f).OrderBy(r => r.Parameter).ToList();
                return new Curve(f, rows.Select(r => r.Parameter).ToList(), rows.Select(value).ToList(), Markers: true);
            }), x: Scale.Log);
        figures.Add(Plots.SmallMultiples(paper, "error-vs-branching",
            $"Search window vs branching ({main.KeySet}): mean (AvgLg2) and largest (MaxLg2) log2 of the leaf's error window",
            [ErrorPanel("AvgLg2", r => r.AvgLg2), ErrorPanel("MaxLg2", r => r.MaxLg2)], 2, panelWidth: 480, panelHeight: 380));

        figures.Add(Plots.GroupedBars(paper, "last-mile",
            $"Last-mile search ablation (RMI {EnumNames.Of(c.Root)}, {c.Leaves:N0} leaves, {main.KeySet})",
            "last-mile search", "ns per lookup", main.LastMile.Select(r => r.Family.Split(" / ")[^1]).ToList(),
            [
                new BarGroup("single lookups", main.LastMile.Select(r => r.NsPerLookup).ToList()),
                new BarGroup("batched", main.LastMile.Select(r => r.NsPerLookupBatched).ToList())
            ]));

        if (sets.Count > 0)
        {
            var rootFamilies = sets[0].Roots.Where(r => r.Family.StartsWith("RMI", StringComparison.Ordinal))
                .Select(r => r.Family).ToList();
            figures.Add(Plots.GroupedBars(paper, "root-ablation", $"Root-model ablation: AvgLg2 at {c.Leaves:N0} leaves (lower is better)",
                "key set", "AvgLg2 (mean log2 search window)", sets.Select(s => s.KeySet).ToList(),
                rootFamilies.Select(f => new BarGroup(f,
                    sets.Select(s => s.Roots.FirstOrDefault(r => r.Family == f)?.AvgLg2 ?? double.NaN).ToList()))));
            figures.Add(Plots.GroupedBars(paper, "learned-hash",
                $"Hash conflicts at {c.HashSlotsPerKey:0.##} slots per key (share of keys landing in an occupied slot)",
                "key set", "conflict rate (fraction of keys)", sets.Select(s => s.KeySet).ToList(),
                [
                    new BarGroup("learned hash (RMI CDF)", sets.Select(s => s.LearnedConflicts).ToList()),
                    new BarGroup("random hash", sets.Select(s => s.RandomConflicts).ToList())
                ]));
        }

        var learned = bloom.Points.Where(p => !double.IsNaN(p.LearnedFpr) && p.LearnedFpr > 0).ToList();
        figures.Add(Plots.Lines(paper, "learned-bloom",
            $"Bloom filters on URL-like keys: false-positive rate vs memory (classifier {bloom.ClassifierBytes} B)",
            "memory (KB)", "false-positive rate (log scale)",
            [
                new Curve("plain Bloom filter", bloom.Points.Select(p => p.MemoryKb).ToList(),
                    bloom.Points.Select(p => Math.Max(p.PlainFpr, 1e-6)).ToList(), Markers: true),
                new Curve("learned Bloom filter", learned.Select(p => p.MemoryKb).ToList(), learned.Select(p => p.LearnedFpr).ToList(),
                    Markers: true),
            ], y: Scale.Log));
        // One key set per generator and no training: every figure is deterministic given the generator seed.
        string deterministic = $"deterministic given the key sets (generator seed {c.Seed}); times are medians on this machine";
        return Figure.Captioned(figures, figures.ToDictionary(f => f.Name, _ => deterministic));
    }

    /// <summary>Moves the legend under the plot, so a long legend cannot run into the title.</summary>
    static Figure LegendBelow(Figure figure)
    {
        var layout = figure.Spec["layout"]!.AsObject();
        layout["legend"] = new System.Text.Json.Nodes.JsonObject { ["orientation"] = "h", ["x"] = 0, ["y"] = -0.2, ["yanchor"] = "top" };
        layout["margin"]!["b"] = 140;
        layout["height"] = figure.Height + 80;
        return figure;
    }

    /// <summary>Memory (KB) at which a curve first reaches a false-positive rate, interpolated in log FPR; NaN when never.</summary>
    static double MemoryAt(IReadOnlyList<BloomPoint> points, Func<BloomPoint, double> fpr, double target)
    {
        var sorted = points.Where(p => !double.IsNaN(fpr(p))).OrderBy(p => p.MemoryKb).ToList();
        for (int i = 0; i < sorted.Count; i++)
        {
            if (fpr(sorted[i]) > target) continue;
            if (i == 0) return sorted[0].MemoryKb;
            double f0 = Math.Log(Math.Max(fpr(sorted[i - 1]), 1e-9)), f1 = Math.Log(Math.Max(fpr(sorted[i]), 1e-9)), t = Math.Log(target);
            double w = f1 == f0 ? 1 : (f0 - t) / (f0 - f1);
            return sorted[i - 1].MemoryKb + w * (sorted[i].MemoryKb - sorted[i - 1].MemoryKb);
        }
        return double.NaN;
    }

    static string BestBloomGain(BloomResult bloom)
    {
        var best = bloom.Points.Where(p => !double.IsNaN(p.LearnedFpr) && p.PlainFpr > 0)
            .OrderBy(p => p.LearnedFpr / p.PlainFpr).FirstOrDefault();
        return best is null || best.LearnedFpr >= best.PlainFpr
            ? ""
            : $"; at {best.BitsPerKey:0.#} bits/key the learned filter has {best.LearnedFpr:P1} FPR vs {best.PlainFpr:P1}";
    }

    /// <summary>
    /// The workbench's own speed goals (issue 12), stated relative to this machine — binary search and the memory limits
    /// measured in the same run — so they can be checked anywhere: each verdict names every condition and whether it held.
    /// Only the 10M-key lognormal set is the goal's setting; other runs say so instead of a verdict.
    /// </summary>
    static IEnumerable<PaperVsOurs.Row> GoalRows(MainResult main, IndexMeasurement bs, IndexMeasurement? tree,
        List<IndexMeasurement> rmis, string where)
    {
        bool setting = main.KeySet == "lognormal" && main.KeyCount == 10_000_000;
        string notHere = $"not checked: the goal's setting is 10,000,000 lognormal keys, "
            + $"this run uses {main.KeyCount:N0} {main.KeySet} keys";
        static string Mark(bool held) => held ? "✓" : "✗";
        var small = tree is null ? null : rmis.Where(r => r.SizeBytes * 10 <= tree.SizeBytes).OrderBy(r => r.NsPerLookup).FirstOrDefault();
        string single;
        if (tree is null || small is null)
            single = $"not met: no RMI in the sweep is ≤ 1/10 of the B+tree's size";
        else
        {
            double speedUp = bs.NsPerLookup / small.NsPerLookup;
            bool size = small.SizeBytes * 10 <= tree.SizeBytes, fast = speedUp >= 2;
            single = $"{(size && fast ? "met" : "not met")}: {Mark(size)} size {small.SizeBytes / 1024.0:0.#} KB ≤ 1/10 of " +
                $"{tree.SizeBytes / 1024.0:0.#} KB; {Mark(fast)} {speedUp:0.0}× ≥ 2× binary search";
        }
        yield return new("Goal of this workbench (issue 12), single lookups: an RMI at ≤ 1/10 of the page-128 B+tree's size " +
                "is ≥ 2× faster than branch-free binary search (10M lognormal keys)",
            "ratios on the same machine in the same run (benchmarks/README.md has the BenchmarkDotNet numbers)",
            small is null ? "n/a" : $"{small.Name}: {small.NsPerLookup:0} ns, {small.SizeBytes / 1024.0:0.#} KB; binary search " +
                $"{bs.NsPerLookup:0} ns; {tree?.Name} {(tree?.SizeBytes ?? 0) / 1024.0:0.#} KB ({where})",
            setting ? single : notHere);

        var batched = rmis.Where(r => !double.IsNaN(r.MissesPerLookup) && (tree is null || r.SizeBytes * 10 <= tree.SizeBytes))
            .OrderBy(r => r.NsPerLookupBatched).FirstOrDefault();
        string verdict;
        string ours;
        if (batched is null || double.IsNaN(main.IndependentNs))
        {
            verdict = "not measured in this sweep: its RMIs at ≤ 1/10 of the B+tree's size gallop (AvgLg2 > 8), a path the " +
                "miss model does not simulate; benchmarks/README.md measures the goal's RMI against its bound";
            ours = "n/a";
        }
        else
        {
            double bound = batched.MissesPerLookup * main.IndependentNs, ofBound = batched.NsPerLookupBatched / bound;
            double overBs = bs.NsPerLookupBatched / batched.NsPerLookupBatched;
            bool near = ofBound <= 1.5, fast = overBs >= 3;
            verdict = $"{(near && fast ? "met" : "not met")}: {Mark(near)} {ofBound:0.0}× ≤ 1.5× the bound; " +
                $"{Mark(fast)} {overBs:0.0}× ≥ 3× batched binary search";
            ours = $"{batched.Name}, batched: {batched.NsPerLookupBatched:0} ns; bound {batched.MissesPerLookup:0.00} misses × " +
                $"{main.IndependentNs:0.0} ns = {bound:0} ns (misses in the measured {main.CacheBytes / 1048576:0.#} MB last-level " +
                $"cache); batched binary search {bs.NsPerLookupBatched:0} ns; one dependent access {main.DependentNs:0} ns ({where})";
        }
        yield return new("Goal of this workbench (issue 12), batched lookups: the batched RMI (≤ 1/10 of the B+tree's size) " +
                "is within 1.5× of its memory bound (simulated misses per lookup × one independent access) and ≥ 3× faster " +
                "than batched binary search (10M lognormal keys)",
            "the machine's own limits, measured in the same run", ours, setting ? verdict : notHere);
    }

    static DataFrame PaperVsOursTable(LearnedIndexConfig c, MainResult main, IReadOnlyList<KeySetResult> sets, BloomResult bloom)
    {
        var rows = new List<PaperVsOurs.Row>();
        string where = $"{main.KeySet}, {main.KeyCount:N0} keys, one run on this machine";
        var bs = main.Indexes.First(r => r.Family == "binary search");
        var branchy = main.Indexes.FirstOrDefault(r => r.Family == "binary search (branchy)");
        var tree = main.Indexes.Where(r => r.Family == "B+tree").OrderBy(r => Math.Abs(r.Parameter - 128)).FirstOrDefault();
        var rmis = main.Indexes.Where(r => r.Family.StartsWith("RMI", StringComparison.Ordinal)).ToList();
        var mainRmi = rmis.FirstOrDefault(r => r.Family == "RMI " + EnumNames.Of(c.Root) && r.Parameter == c.Leaves)
            ?? main.LastMile.FirstOrDefault();
        if (tree is not null && rmis.Count > 0)
        {
            var small = rmis.Where(r => r.SizeBytes * 10 <= tree.SizeBytes).OrderBy(r => r.NsPerLookup).FirstOrDefault();
            string ours = small is null ? $"no RMI in the sweep is ≤ 1/10 of {tree.Name} ({tree.SizeBytes / 1024.0:0} KB)"
                : $"{small.Name}: {small.NsPerLookup:0} ns, {small.SizeBytes / 1024.0:0.#} KB vs " +
                    $"{tree.Name}: {tree.NsPerLookup:0} ns, {tree.SizeBytes / 1024.0:0} KB ({where})";
            string verdict = small is null ? "not shown" : small.NsPerLookup < tree.NsPerLookup
                ? $"holds here: {100 * (tree.NsPerLookup / small.NsPerLookup - 1):0} % faster " +
                    $"at {tree.SizeBytes / (double)small.SizeBytes:0}× less memory"
                : $"does not hold here: the small RMI is {100 * (small.NsPerLookup / tree.NsPerLookup - 1):0} % slower";
            rows.Add(new("An RMI is up to 70 % faster than a cache-optimised B-tree while using an order of magnitude less memory",
                "up to 70 % faster, ~10× smaller (Kraska et al. 2018, abstract; reported)", ours, verdict));
            rows.Add(new("Maps data (200M keys): B-tree 265 ns / 13.1 MB vs RMI 82–98 ns / 0.15–1.5 MB",
                "B-tree page 128: 265 ns, 13.1 MB; RMI 10k–100k leaves: 82–98 ns, 0.15–1.5 MB " +
                    "(Kraska et al. Fig. 4; recalled, not re-checked)",
                mainRmi is null ? "n/a" : $"{tree.Name}: {tree.NsPerLookup:0} ns, {tree.SizeBytes / 1048576.0:0.00} MB; " +
                    $"{mainRmi.Name}: {mainRmi.NsPerLookup:0} ns, {mainRmi.SizeBytes / 1048576.0:0.000} MB ({where})",
                "different data, size and machine: compare the ratios, not the nanoseconds"));
        }
        var bestRmi = rmis.OrderBy(r => r.NsPerLookup).FirstOrDefault();
        rows.Add(new("SOSD lognormal (200M u64 keys, on SOSD's bare-metal Xeon): binary search 687 ns, B-tree 517 ns, RMI 83 ns " +
                "— a speed-up of 8.3× on their hardware, at their data size; ours is beside it, on this machine",
            "BS 687, B-tree 517, RMI 83 ns/lookup (Marcus et al., SOSD, VLDB 2020; reported)",
            $"BS {bs.NsPerLookup:0} (branchy {branchy?.NsPerLookup ?? double.NaN:0}), " +
                $"{tree?.Name ?? "B+tree"} {tree?.NsPerLookup ?? double.NaN:0}, " +
                $"fastest RMI ({bestRmi?.Name}) {bestRmi?.NsPerLookup ?? double.NaN:0} ns ({where})",
            bestRmi is null ? "n/a" : $"speed-up over BS {bs.NsPerLookup / bestRmi.NsPerLookup:0.0}× here vs 8.3× in SOSD " +
                $"(SOSD's RMIs reach hundreds of MB; our sweep stops at {rmis.Max(r => r.SizeBytes) / 1048576.0:0.#} MB)"));
        var geo = sets.FirstOrDefault(s => s.KeySet == "geoip");
        if (geo is not null)
        {
            var gbs = geo.Roots.First(r => r.Family == "binary search");
            var grmi = geo.Roots.FirstOrDefault(r => r.Family == "RMI " + EnumNames.Of(c.Root));
            rows.Add(new("SOSD books (200M real keys): binary search 685 ns, B-tree 510 ns, RMI 155–283 ns " +
                "(real data is harder than synthetic)",
                "BS 685, B-tree 510, RMI 155–283 ns (SOSD; reported)",
                grmi is null ? "n/a" : $"geoip ({geo.KeyCount:N0} real keys): BS {gbs.NsPerLookup:0}, " +
                    $"B+tree 128 {geo.Roots.First(r => r.Family == "B+tree").NsPerLookup:0}, " +
                    $"{grmi.Name} {grmi.NsPerLookup:0} ns; AvgLg2 {grmi.AvgLg2:0.0}",
                grmi is null ? "n/a" : $"speed-up over BS {gbs.NsPerLookup / grmi.NsPerLookup:0.0}× " +
                    "(geoip fits in L3 here, so BS is cheap; no books data offline)"));
        }
        var logn = sets.FirstOrDefault(s => s.KeySet == "lognormal");
        var lin = logn?.Roots.FirstOrDefault(r => r.Family == "RMI linear");
        var loglin = logn?.Roots.FirstOrDefault(r => r.Family == "RMI log-linear");
        if (lin is not null && loglin is not null)
            rows.Add(new("The root model matters: a linear root gains little on lognormal keys, a log-linear root does",
                "project guide §6 (from the RMI papers; reported)",
                $"AvgLg2 at {c.Leaves:N0} leaves on {logn!.KeyCount:N0} lognormal keys: linear {lin.AvgLg2:0.00} " +
                    $"(BS {Math.Log2(logn.KeyCount):0.0}), log-linear {loglin.AvgLg2:0.00}",
                loglin.AvgLg2 < lin.AvgLg2 - 1 ? "holds" : "does not hold here"));
        if (sets.Count > 0)
        {
            var best = sets.OrderBy(s => s.LearnedConflicts / s.RandomConflicts).First();
            var worst = sets.OrderBy(s => s.LearnedConflicts / s.RandomConflicts).Last();
            rows.Add(new("A learned CDF as hash function reduces conflicts against a random hash",
                "up to 77.5 % fewer conflicts on Maps (Kraska et al. §4; recalled, not re-checked)",
                $"{best.KeySet}: {best.LearnedConflicts:P1} vs {best.RandomConflicts:P1} " +
                    $"({1 - best.LearnedConflicts / best.RandomConflicts:P0} fewer); " +
                    $"{worst.KeySet}: {worst.LearnedConflicts:P1} vs {worst.RandomConflicts:P1}",
                best.LearnedConflicts < best.RandomConflicts
                    ? "holds where the CDF is learnable; depends strongly on the key set"
                    : "does not hold here"));
        }
        double plainKb = MemoryAt(bloom.Points, p => p.PlainFpr, 0.01), learnedKb = MemoryAt(bloom.Points, p => p.LearnedFpr, 0.01);
        rows.Add(new("A learned Bloom filter needs less memory than a Bloom filter for the same false-positive rate",
            "36 % less memory at 1 % FPR on a URL blacklist (Kraska et al. §5; recalled, not re-checked)",
            $"memory for 1 % FPR on {c.BloomKeys:N0} synthetic URL-like keys: plain {F(plainKb, "0.0")} KB, " +
                $"learned {F(learnedKb, "0.0")} KB (classifier recall {bloom.KeyRecall:P0} at 0.5)",
            (double.IsNaN(plainKb) || double.IsNaN(learnedKb)
                ? "not measurable at 1 % in this budget range"
                : learnedKb < plainKb ? $"holds: {1 - learnedKb / plainKb:P0} less" : "does not hold at 1 % on this data")
            + BestBloomGain(bloom)));
        rows.AddRange(GoalRows(main, bs, tree, rmis, where));
        return PaperVsOurs.Table(rows);
    }
}
