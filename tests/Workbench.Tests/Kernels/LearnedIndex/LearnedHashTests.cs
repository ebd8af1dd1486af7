using Workbench.Data;
using Workbench.Kernels.LearnedIndex;

namespace Workbench.Tests.Kernels.LearnedIndex;

public class LearnedHashTests
{
    [Fact]
    public void Learned_hash_beats_random_hash_on_dense_keys()
    {
        var keys = KeySets.UniformDense(50_000, 1);
        var hash = new LearnedHash(keys, keys.Length, new RmiOptions(RootModelKind.Linear, 3000));
        double learned = LearnedHash.ConflictRate(keys, keys.Length, hash.Slot);
        double random = LearnedHash.ConflictRate(keys, keys.Length, k => LearnedHash.RandomSlot(k, 7, keys.Length));
        Assert.True(learned < random * 0.8, $"learned {learned:P1} vs random {random:P1}");
    }
}
