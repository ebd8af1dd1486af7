using System.Text;
using Workbench.Runs;

namespace Workbench.Data;

/// <summary>
/// Generates URL-like strings for the Bloom-filter experiment: "keys" (think: a blacklist of phishing URLs) and
/// "non-keys" (ordinary URLs) drawn from overlapping vocabularies, so a classifier can learn the difference only
/// partly, as in the paper's Google-transparency-report blacklist.
/// </summary>
public static class UrlStrings
{
    static readonly string[] Benign = ["news", "blog", "shop", "mail", "docs", "wiki", "maps", "video", "music", "photos", "store",
        "support", "about", "help", "search", "travel", "sports", "weather", "finance", "health", "recipes", "books", "games", "forum",
        "cloud", "home"];
    static readonly string[] Suspicious = ["login", "verify", "secure", "account", "update", "confirm", "bank", "wallet", "signin",
        "billing", "password", "unlock", "free", "bonus", "prize", "claim", "support", "alert", "suspended", "recovery", "invoice", "gift"];
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
                sb.Append(rng.Next(1, 255)).Append('.').Append(rng.Next(0, 255)).Append('.')
                    .Append(rng.Next(0, 255)).Append('.').Append(rng.Next(1, 255));
            else
            {
                if (rng.NextDouble() < 0.5) sb.Append(look ? words[rng.Next(words.Length)] + "-" : "www.");
                sb.Append(Word(rng, look ? 6 : 4, look ? 12 : 9));
                if (look && rng.NextDouble() < 0.5) sb.Append(rng.Next(10, 9999));
                sb.Append((look ? SuspiciousTlds : BenignTlds)[rng.Next(8)]);
            }
            int segments = rng.Next(0, look ? 4 : 3);
            for (int s = 0; s < segments; s++)
                sb.Append('/').Append(rng.NextDouble() < 0.6 ? words[rng.Next(words.Length)] : Word(rng, 3, 10));
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
