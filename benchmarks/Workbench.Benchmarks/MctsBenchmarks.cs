using BenchmarkDotNet.Attributes;
using Workbench.Kernels.Mcts;
using Workbench.Papers.MuZero;
using Workbench.Torch;

namespace Workbench.Benchmarks;

/// <summary>
/// MuZero's search on 64 tic-tac-toe positions with a MuZero network (hidden state 32, width 64, untrained, one libtorch
/// thread), pUCT with 16 simulations per position: the plain per-node-object reference (one game at a time), the flat
/// kernel one game at a time, and the flat kernel batched over all 64 games (one network call per simulation).
/// </summary>
[MemoryDiagnoser]
public class MctsBenchmarks
{
    MuZeroNetwork? _net;
    List<TicTacToe> _positions = [];
    readonly SearchOptions _options = new()
    {
        Kind = SearchKind.Puct, Simulations = 16, DirichletFraction = 0, ValueMin = -1, ValueMax = 1,
    };

    /// <summary>Games searched per call.</summary>
    [Params(64)]
    public int Games { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialize();
        _net = TorchRandom.Build(0, "init", () => new MuZeroNetwork(TicTacToe.ObservationSize, TicTacToe.Cells, 32, 64));
        var rng = new Random(1);
        _positions = [];
        while (_positions.Count < Games)
        {
            var p = TicTacToe.Empty;
            for (int moves = rng.Next(6); moves > 0 && !p.IsTerminal; moves--)
            {
                var legal = p.LegalMoves().ToArray();
                p = p.Play(legal[rng.Next(legal.Length)]).Next;
            }
            if (!p.IsTerminal) _positions.Add(p);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _net?.Dispose();

    [Benchmark(Baseline = true, Description = "reference: per-node objects, one game at a time")]
    public int PerNode()
    {
        var model = new LearnedModel(_net!);
        int visits = 0;
        foreach (var p in _positions)
        {
            var root = model.Roots([p]);
            var node = NodeSearch.Run(model, root.Embeddings, root.PriorLogits, root.Values[0], root.Legal, _options, new Random(0));
            visits += node.Visits;
        }
        return visits;
    }

    [Benchmark(Description = "ours, flat arrays, one game at a time")]
    public int FlatOneAtATime()
    {
        var model = new LearnedModel(_net!);
        int sum = 0;
        foreach (var p in _positions) sum += BatchedSearch.Run(model, model.Roots([p]), _options, new Random(0)).Actions[0];
        return sum;
    }

    [Benchmark(Description = "ours: BatchedSearch over all games")]
    public int Batched()
    {
        var model = new LearnedModel(_net!);
        return BatchedSearch.Run(model, model.Roots(_positions), _options, new Random(0)).Actions.Sum();
    }
}
