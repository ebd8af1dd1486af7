using Workbench.Runs;

namespace Workbench.Kernels.LearnedIndex;

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
    public bool MayContain(string key) =>
        Classifier.Score(_weights, _scale, _bias, key) >= Threshold || (_backup?.MayContain(key) ?? false);

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
        return best ?? throw new ArgumentException(
            $"A memory budget of {bitsBudget} bits does not even hold the classifier ({modelBits} bits); " +
            "raise bloom_bits_per_key or lower bloom_features.");
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
            if (buckets < 1)
                throw new ArgumentOutOfRangeException(null, $"classifier features {buckets} is out of range: it must be ≥ 1.");
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
