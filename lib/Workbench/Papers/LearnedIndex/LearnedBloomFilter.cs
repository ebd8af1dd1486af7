using System.Text;
using Workbench.Runs;

namespace Workbench.Papers.LearnedIndex;

/// <summary>A classic Bloom filter over strings: m bits, k probes by double hashing of one 128-bit string hash.</summary>
public sealed class BloomFilter
{
    readonly ulong[] _bits;

    /// <summary>An empty filter of <paramref name="bits"/> bits (≥ 1) and <paramref name="hashes"/> probes (≥ 1).</summary>
    public BloomFilter(long bits, int hashes)
    {
        if (bits < 1) throw new ArgumentOutOfRangeException(null, $"Bloom filter size {bits} bits is out of range: it must be ≥ 1.");
        if (hashes < 1) throw new ArgumentOutOfRangeException(null, $"Bloom filter hash count {hashes} is out of range: it must be ≥ 1.");
        Bits = bits;
        Hashes = hashes;
        _bits = new ulong[(bits + 63) / 64];
    }

    /// <summary>The filter sized for <paramref name="keys"/> keys in <paramref name="bits"/> bits, with the optimal k = (m/n)·ln 2.</summary>
    public static BloomFilter ForKeys(long keys, long bits) =>
        new(Math.Max(1, bits), keys == 0 ? 1 : Math.Clamp((int)Math.Round((double)bits / keys * Math.Log(2)), 1, 30));

    /// <summary>Size in bits.</summary>
    public long Bits { get; }

    /// <summary>Probes per key.</summary>
    public int Hashes { get; }

    /// <summary>Inserts a key.</summary>
    public void Add(string key)
    {
        var (h1, h2) = Hash(key);
        for (int i = 0; i < Hashes; i++)
        {
            ulong bit = Math.BigMul(h1 + (ulong)i * h2, (ulong)Bits, out _);
            _bits[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    /// <summary>False when the key was certainly never added; true when it may have been.</summary>
    public bool MayContain(string key)
    {
        var (h1, h2) = Hash(key);
        for (int i = 0; i < Hashes; i++)
        {
            ulong bit = Math.BigMul(h1 + (ulong)i * h2, (ulong)Bits, out _);
            if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0) return false;
        }
        return true;
    }

    /// <summary>Two independent 64-bit hashes of a string (a multiply-rotate mix per character, MurmurHash3 finaliser).</summary>
    internal static (ulong, ulong) Hash(string key)
    {
        ulong a = 0x243F6A8885A308D3UL, b = 0x13198A2E03707344UL;
        foreach (char c in key)
        {
            a = ulong.RotateLeft((a ^ c) * 0x9E3779B97F4A7C15UL, 27);
            b = ulong.RotateLeft((b ^ c) * 0xC2B2AE3D27D4EB4FUL, 31);
        }
        return (Mix(a ^ (ulong)key.Length), Mix(b) | 1);
    }

    static ulong Mix(ulong h)
    {
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 33; h *= 0xC4CEB9FE1A85EC53UL; h ^= h >> 33;
        return h;
    }
}

/// <summary>
/// Generates URL-like strings for the Bloom-filter experiment: "keys" (think: a blacklist of phishing URLs) and
/// "non-keys" (ordinary URLs) drawn from overlapping vocabularies, so a classifier can learn the difference only
/// partly, as in the paper's Google-transparency-report blacklist.
/// </summary>
public static class UrlStrings
{
    static readonly string[] Benign = ["news", "blog", "shop", "mail", "docs", "wiki", "maps", "video", "music", "photos", "store", "support",
        "about", "help", "search", "travel", "sports", "weather", "finance", "health", "recipes", "books", "games", "forum", "cloud", "home"];
    static readonly string[] Suspicious = ["login", "verify", "secure", "account", "update", "confirm", "bank", "wallet", "signin", "billing",
        "password", "unlock", "free", "bonus", "prize", "claim", "support", "alert", "suspended", "recovery", "invoice", "gift"];
    static readonly string[] BenignTlds = [".com", ".org", ".net", ".edu", ".gov", ".io", ".co.uk", ".de"];
    static readonly string[] SuspiciousTlds = [".xyz", ".top", ".tk", ".ru", ".info", ".click", ".com", ".net"];

    /// <summary><paramref name="count"/> distinct URL-like strings of one class, seeded.</summary>
    public static string[] Generate(int count, bool suspicious, int seed, string purpose)
    {
        var rng = Seeds.Rng(seed, (suspicious ? "bad:" : "good:") + purpose);
        var set = new HashSet<string>(count);
        var sb = new StringBuilder();
        while (set.Count < count)
        {
            sb.Clear();
            // 10 % of each class borrow the other's vocabulary: the classes overlap.
            bool look = rng.NextDouble() < 0.9 ? suspicious : !suspicious;
            var words = look ? Suspicious : Benign;
            sb.Append(rng.NextDouble() < 0.7 ? "https://" : "http://");
            if (look && rng.NextDouble() < 0.15)
                sb.Append(rng.Next(1, 255)).Append('.').Append(rng.Next(0, 255)).Append('.').Append(rng.Next(0, 255)).Append('.').Append(rng.Next(1, 255));
            else
            {
                if (rng.NextDouble() < 0.5) sb.Append(look ? words[rng.Next(words.Length)] + "-" : "www.");
                sb.Append(Word(rng, look ? 6 : 4, look ? 12 : 9));
                if (look && rng.NextDouble() < 0.5) sb.Append(rng.Next(10, 9999));
                sb.Append((look ? SuspiciousTlds : BenignTlds)[rng.Next(8)]);
            }
            int segments = rng.Next(0, look ? 4 : 3);
            for (int s = 0; s < segments; s++) sb.Append('/').Append(rng.NextDouble() < 0.6 ? words[rng.Next(words.Length)] : Word(rng, 3, 10));
            if (rng.NextDouble() < (look ? 0.5 : 0.2)) sb.Append("?id=").Append(rng.NextInt64(1, 1_000_000_000));
            set.Add(sb.ToString());
        }
        return [.. set];
    }

    static string Word(Random rng, int min, int max)
    {
        const string consonants = "bcdfghjklmnpqrstvwxz", vowels = "aeiouy";
        int length = rng.Next(min, max + 1);
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = i % 2 == 0 ? consonants[rng.Next(consonants.Length)] : vowels[rng.Next(vowels.Length)];
        return new string(chars);
    }
}

/// <summary>
/// The learned Bloom filter of Kraska et al. (§5): a classifier scores each string; strings scoring at least τ are
/// reported present; the keys the classifier misses (score &lt; τ) go into a small backup Bloom filter, so there are
/// still no false negatives. The classifier is logistic regression over hashed character trigrams with one-byte
/// quantised weights (its memory counts against the budget).
/// </summary>
public sealed class LearnedBloomFilter
{
    readonly sbyte[] _weights;
    readonly float _scale, _bias;
    readonly BloomFilter? _backup;

    LearnedBloomFilter(sbyte[] weights, float scale, float bias, double threshold, BloomFilter? backup, int falseNegatives)
    {
        _weights = weights; _scale = scale; _bias = bias; Threshold = threshold; _backup = backup; BackupKeys = falseNegatives;
    }

    /// <summary>Score threshold τ.</summary>
    public double Threshold { get; }

    /// <summary>Keys stored in the backup filter (the classifier's false negatives at τ).</summary>
    public int BackupKeys { get; }

    /// <summary>Total memory: classifier bytes plus backup filter bits, in bits.</summary>
    public long Bits => 8L * _weights.Length + 64 + (_backup?.Bits ?? 0);

    /// <summary>False when the key is certainly not in the set.</summary>
    public bool MayContain(string key) => Classifier.Score(_weights, _scale, _bias, key) >= Threshold || (_backup?.MayContain(key) ?? false);

    /// <summary>
    /// Given a classifier trained on keys vs other non-keys, and a memory budget of
    /// <paramref name="bitsBudget"/> bits in all, picks the τ (over score quantiles of the keys) that minimises the
    /// false-positive rate on <paramref name="validationNonKeys"/>.
    /// </summary>
    public static LearnedBloomFilter Build(string[] keys, Classifier classifier, long bitsBudget, string[] validationNonKeys)
    {
        var keyScores = keys.Select(classifier.Score).ToArray();
        var nonKeyScores = validationNonKeys.Select(classifier.Score).ToArray();
        var sorted = (double[])keyScores.Clone();
        Array.Sort(sorted);
        long modelBits = 8L * classifier.Weights.Length + 64;
        LearnedBloomFilter? best = null;
        double bestFpr = double.PositiveInfinity;
        foreach (double q in new[] { 0.0, 0.01, 0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01 })
        {
            double tau = q > 1 ? double.PositiveInfinity : sorted[Math.Min((int)(q * sorted.Length), sorted.Length - 1)];
            long backupBits = bitsBudget - modelBits;
            var missed = keys.Where((_, i) => keyScores[i] < tau).ToArray();
            if (missed.Length > 0 && backupBits < 1) continue;
            BloomFilter? backup = null;
            if (missed.Length > 0)
            {
                backup = BloomFilter.ForKeys(missed.Length, backupBits);
                foreach (var m in missed) backup.Add(m);
            }
            var candidate = new LearnedBloomFilter(classifier.Weights, classifier.Scale, classifier.Bias, tau, backup, missed.Length);
            int fp = 0;
            for (int i = 0; i < validationNonKeys.Length; i++)
                if (nonKeyScores[i] >= tau || (backup?.MayContain(validationNonKeys[i]) ?? false)) fp++;
            double fpr = (double)fp / Math.Max(1, validationNonKeys.Length);
            if (fpr < bestFpr) { bestFpr = fpr; best = candidate; }
        }
        return best ?? throw new ArgumentException($"A memory budget of {bitsBudget} bits does not even hold the classifier ({modelBits} bits); raise bloom_bits_per_key or lower bloom_features.");
    }

    /// <summary>Logistic regression over hashed character trigrams, trained by SGD, weights quantised to one byte.</summary>
    public sealed class Classifier
    {
        internal Classifier(sbyte[] weights, float scale, float bias) { Weights = weights; Scale = scale; Bias = bias; }

        /// <summary>Quantised weights (value = weight · Scale).</summary>
        public sbyte[] Weights { get; }

        /// <summary>Dequantisation factor.</summary>
        public float Scale { get; }

        /// <summary>Bias.</summary>
        public float Bias { get; }

        /// <summary>Probability-like score in (0, 1).</summary>
        public double Score(string key) => Score(Weights, Scale, Bias, key);

        internal static double Score(sbyte[] w, float scale, float bias, string key)
        {
            double z = bias;
            foreach (int f in Features(key, w.Length)) z += w[f] * scale;
            return 1 / (1 + Math.Exp(-z));
        }

        static IEnumerable<int> Features(string key, int buckets)
        {
            for (int i = 0; i + 3 <= key.Length; i++)
            {
                uint h = 2166136261;
                for (int j = i; j < i + 3; j++) h = (h ^ key[j]) * 16777619;
                yield return (int)(h % (uint)buckets);
            }
        }

        /// <summary>Trains on keys (label 1) and non-keys (label 0) for a few SGD epochs, seeded.</summary>
        public static Classifier Train(string[] keys, string[] nonKeys, int buckets, int seed, int epochs = 6, double learningRate = 0.05)
        {
            if (buckets < 1) throw new ArgumentOutOfRangeException(null, $"classifier features {buckets} is out of range: it must be ≥ 1.");
            var w = new double[buckets];
            double b = 0;
            var data = keys.Select(k => (k, 1.0)).Concat(nonKeys.Select(k => (k, 0.0))).ToArray();
            var featureCache = data.Select(d => Features(d.k, buckets).ToArray()).ToArray();
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                foreach (int i in Seeds.Permutation(data.Length, seed, $"bloom-epoch:{epoch}"))
                {
                    var f = featureCache[i];
                    double z = b;
                    foreach (int j in f) z += w[j];
                    double g = 1 / (1 + Math.Exp(-z)) - data[i].Item2;
                    foreach (int j in f) w[j] -= learningRate * g;
                    b -= learningRate * g;
                }
            }
            double max = w.Max(Math.Abs);
            float scale = max > 0 ? (float)(max / 127) : 1f;
            var q = w.Select(v => (sbyte)Math.Clamp(Math.Round(v / scale), -127, 127)).ToArray();
            return new Classifier(q, scale, (float)b);
        }
    }
}
