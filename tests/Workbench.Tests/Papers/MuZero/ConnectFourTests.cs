using Workbench.Kernels.Mcts;
using Xunit.Abstractions;
using Workbench.Papers.MuZero;

namespace Workbench.Tests.Papers.MuZero;

public class ConnectFourTests(ITestOutputHelper output)
{
    /// <summary>Perft with the bitboard: move sequences of exactly <paramref name="depth"/> plies.</summary>
    static long Perft(ConnectFour position, int depth)
    {
        if (depth == 0) return 1;
        long count = 0;
        for (int c = 0; c < ConnectFour.Columns; c++)
            if (position.IsLegal(c)) count += Perft(position.Play(c).Next, depth - 1);
        return count;
    }

    /// <summary>Unfinished positions of seeded random games.</summary>
    static List<ConnectFour> RandomPositions(int games, int seed)
    {
        var rng = new Random(seed);
        var list = new List<ConnectFour>();
        for (int g = 0; g < games; g++)
        {
            var p = ConnectFour.Empty;
            while (!p.IsTerminal)
            {
                list.Add(p);
                var legal = p.LegalMoves().ToArray();
                p = p.Play(legal[rng.Next(legal.Length)]).Next;
            }
        }
        return list;
    }

    [Fact]
    public void Perft_from_the_empty_board_matches_the_plain_reference_and_the_known_counts()
    {
        // 7^n until the first full column (depth 7: the 7 sequences that fill one column have 6 moves left) and the
        // first possible win (ply 7); the plain reference computes every depth to 8 independently of the bitboard.
        long[] known = [1, 7, 49, 343, 2401, 16807, 117649, 823536, 5673234];
        var reference = new ConnectFourReference();
        for (int depth = 0; depth <= 8; depth++) Assert.Equal(known[depth], reference.Perft(depth));
        for (int depth = 0; depth <= 8; depth++) Assert.Equal(known[depth], Perft(ConnectFour.Empty, depth));
    }

    [Fact]
    public void Distinct_positions_per_ply_match_oeis_a212693()
    {
        // OEIS A212693 (John Tromp): legal 7 × 6 Connect-4 positions after n plies, n = 0..8.
        long[] oeis = [1, 7, 49, 238, 1120, 4263, 16422, 54859, 184275];
        var layer = new Dictionary<ulong, ConnectFour> { [ConnectFour.Empty.Key] = ConnectFour.Empty };
        for (int ply = 0; ply < oeis.Length; ply++)
        {
            Assert.Equal(oeis[ply], layer.Count);
            // Keys are unique: the (First, Second) pairs are as many as the keys.
            Assert.Equal(layer.Count, layer.Values.Distinct().Count());
            var next = new Dictionary<ulong, ConnectFour>();
            foreach (var p in layer.Values)
                foreach (int c in p.LegalMoves())
                {
                    var child = p.Play(c).Next;
                    next[child.Key] = child;
                }
            layer = next;
        }
    }

    [Fact]
    public void Random_games_agree_with_the_plain_reference_move_by_move()
    {
        var rng = new Random(5);
        for (int g = 0; g < 300; g++)
        {
            var p = ConnectFour.Empty;
            var reference = new ConnectFourReference();
            while (!p.IsTerminal)
            {
                for (int c = 0; c < 7; c++) Assert.Equal(reference.CanPlay(c), p.IsLegal(c));
                var legal = p.LegalMoves().ToArray();
                int move = legal[rng.Next(legal.Length)];
                var (next, reward) = p.Play(move);
                Assert.Equal(reference.Play(move) ? 1 : 0, reward);
                p = next;
                for (int r = 0; r < 6; r++)
                    for (int c = 0; c < 7; c++)
                        Assert.Equal(reference[r, c], p.ToString()[(5 - r) * 8 + c] switch { 'X' => 1, 'O' => 2, _ => 0 });
            }
            Assert.True(reference.Over);
            Assert.Equal(reference.Won ? (reference.Moves % 2 == 1 ? 1 : -1) : 0, p.Winner);
        }
    }

    [Theory]
    [InlineData("0101010", 1)] // vertical: X stacks four in column 0
    [InlineData("0011223", 1)] // horizontal: X on the bottom row, columns 0-3
    [InlineData("01123223633", 1)] // diagonal up-right: X at (row 0, column 0), (1, 1), (2, 2), (3, 3)
    [InlineData("65543443033", 1)] // diagonal up-left, the mirror image: X at (0, 6), (1, 5), (2, 4), (3, 3)
    [InlineData("01012121", -1)] // O wins vertically in column 1
    public void Four_in_a_row_wins_in_every_direction(string moves, int winner)
    {
        var p = ConnectFour.FromMoves(moves[..^1]);
        Assert.False(p.IsTerminal);
        var (next, reward) = p.Play(moves[^1] - '0');
        Assert.Equal(1, reward);
        Assert.Equal(winner, next.Winner);
        Assert.True(next.IsTerminal);
        Assert.Empty(next.LegalMoves());
    }

    [Fact]
    public void A_full_board_without_a_line_is_a_draw()
    {
        // Columns filled in pairs with the order flipped every two rows: no four in a row anywhere.
        var moves = new List<int>();
        foreach (int pair in new[] { 0, 2, 4 })
        {
            for (int k = 0; k < 3; k++) moves.AddRange([pair, pair + 1]);
            for (int k = 0; k < 3; k++) moves.AddRange([pair + 1, pair]);
        }
        moves.AddRange([6, 6, 6, 6, 6, 6]);
        var p = ConnectFour.Empty;
        int rewards = 0;
        foreach (int m in moves)
        {
            var (next, reward) = p.Play(m);
            rewards += reward;
            p = next;
        }
        Assert.Equal(0, rewards);
        Assert.Equal(42, p.Stones);
        Assert.True(p.IsTerminal);
        Assert.Equal(0, p.Winner);
        Assert.Empty(p.LegalMoves());
    }

    [Fact]
    public void An_illegal_move_is_one_sentence()
    {
        var full = ConnectFour.FromMoves("000000");
        var ex = Assert.Throws<ArgumentException>(() => full.Play(0));
        Assert.Equal("Move 0 is not allowed: choose a column in 0-6 that is not full (1, 2, 3, 4, 5, 6).", ex.Message);
        Assert.Contains("choose a column in 0-6", Assert.Throws<ArgumentException>(() => ConnectFour.Empty.Play(7)).Message);
        Assert.Contains("choose a column in 0-6", Assert.Throws<ArgumentException>(() => ConnectFour.Empty.Play(-1)).Message);
        var won = ConnectFour.FromMoves("0101010");
        Assert.Equal("Move 3 is not allowed: the game is already over.", Assert.Throws<ArgumentException>(() => won.Play(3)).Message);
        Assert.Contains("digits 0-6", Assert.Throws<ArgumentException>(() => ConnectFour.FromMoves("37")).Message);
        foreach (var message in new[] { ex.Message })
            Assert.Single(message.Split(". ", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Observations_are_from_the_mover_and_round_trip()
    {
        var buffer = new float[ConnectFour.ObservationSize];
        foreach (var p in RandomPositions(30, 2))
        {
            p.Observation(buffer);
            Assert.Equal(p, ConnectFour.FromObservation(buffer));
            Assert.Equal(p.Stones, (int)buffer.Sum());
            int own = (int)buffer.AsSpan(0, ConnectFour.Cells).ToArray().Sum();
            int other = (int)buffer.AsSpan(ConnectFour.Cells).ToArray().Sum();
            Assert.Equal(p.FirstToMove ? 0 : 1, other - own);
        }
        // After X plays column 3, O is to move: X's stone is in the opponent plane, bottom row (row 5), column 3.
        ConnectFour.FromMoves("3").Observation(buffer);
        Assert.Equal(1, buffer[ConnectFour.Cells + 5 * 7 + 3]);
        Assert.Equal(1, buffer.Sum());
    }

    [Fact]
    public void The_rule_bot_wins_when_it_can_and_blocks_otherwise()
    {
        // X to move with three on the bottom row (0-2): wins at 3 rather than blocking O's three in column 6.
        var win = ConnectFour.FromMoves("061626");
        Assert.Equal(3, ConnectFourOpponents.Move(Opponent.RuleBot, win, new Random(0)));
        // O to move, X threatens 0-1-2-3 on the bottom row at 3: O blocks.
        var block = ConnectFour.FromMoves("06162");
        for (int seed = 0; seed < 5; seed++)
            Assert.Equal(3, ConnectFourOpponents.Move(Opponent.RuleBot, block, new Random(seed)));
        // O to move, X threatens a vertical four in column 0: O blocks there.
        var vertical = ConnectFour.FromMoves("06060");
        Assert.Equal(0, ConnectFourOpponents.Move(Opponent.RuleBot, vertical, new Random(0)));
        Assert.Contains("not available for Connect-4",
            Assert.Throws<ArgumentException>(() => ConnectFourOpponents.Move(Opponent.Minimax, block, new Random(0))).Message);
    }

    static Func<ConnectFour, Random, int> Fixed(Opponent opponent) => (p, rng) => ConnectFourOpponents.Move(opponent, p, rng);

    [Fact]
    public void The_rule_bot_beats_the_random_player()
    {
        int[] RuleBot(IReadOnlyList<ConnectFour> ps, Random rng) =>
            [.. ps.Select(p => ConnectFourOpponents.Move(Opponent.RuleBot, p, rng))];
        var score = BoardGameArena.Play<ConnectFour>(RuleBot, Fixed(Opponent.Random), 100, new Random(9));
        Assert.Equal(100, score.Games);
        Assert.True(score.Wins > 75, $"the rule bot won {score.Wins} of 100 against the random player");
    }

    [Fact]
    public void Pure_search_with_the_true_model_beats_the_random_player()
    {
        // AlphaZero mode without a network: the real rules, uniform priors and value 0 at every leaf.
        var model = new BoardGameModel<ConnectFour>();
        var options = new SearchOptions { Kind = SearchKind.Puct, Simulations = 200, DirichletFraction = 0, ValueMin = -1, ValueMax = 1 };
        var agent = BoardGameArena.SearchAgent(model, options);
        var random = BoardGameArena.Play(agent, Fixed(Opponent.Random), 20, new Random(3));
        output.WriteLine($"pure PUCT-200 vs random: {random}");
        Assert.True(random.NonLoss >= 0.9, $"pure search vs random: {random}");
        var ruleBot = BoardGameArena.Play(agent, Fixed(Opponent.RuleBot), 20, new Random(4));
        output.WriteLine($"pure PUCT-200 vs rule bot: {ruleBot}");
        Assert.Equal(20, ruleBot.Games);
    }

    [Fact]
    public void The_exhaustive_solver_reproduces_pons_published_scores()
    {
        // Pascal Pons, "Solving Connect 4", part 2 (columns numbered 1-7 there, 0-6 here): "4455" scores 18 (the mover
        // wins with its 4th stone), "44455554221" scores -15 (the opponent wins with its 7th stone whatever is played).
        Assert.Equal(18, ConnectFourSolver.Score(ConnectFour.FromMoves("3344"), 3));
        Assert.Equal(18, ConnectFourSolver.Score(ConnectFour.FromMoves("3344"), 5));
        Assert.Equal([2, 5], ConnectFourSolver.OptimalMoves(ConnectFour.FromMoves("3344"), 3)!);
        Assert.Equal(-15, ConnectFourSolver.Score(ConnectFour.FromMoves("33344443110"), 2));
        Assert.Null(ConnectFourSolver.Score(ConnectFour.Empty, 4));
    }

    /// <summary>Positions (O or X to move) with exactly one winning column for the mover.</summary>
    static List<(ConnectFour Position, int Win)> WinningPositions(int count, int seed) =>
        [.. RandomPositions(400, seed)
            .Select(p => (Position: p, Wins: p.LegalMoves().Where(c => p.Play(c).Reward == 1).ToArray()))
            .Where(x => x.Wins.Length == 1)
            .Select(x => (x.Position, x.Wins[0]))
            .Take(count)];

    /// <summary>
    /// Positions where the mover cannot win at once, the opponent threatens exactly one column, and blocking it does not
    /// hand the opponent another immediate win (so the block is the only move that is not lost at once).
    /// </summary>
    static List<(ConnectFour Position, int Block)> BlockingPositions(int count, int seed) =>
        [.. RandomPositions(600, seed)
            .Where(p => !p.LegalMoves().Any(c => p.Play(c).Reward == 1))
            .Select(p => (Position: p, Threats: p.LegalMoves().Where(c => ConnectFourOpponents.OpponentWouldWin(p, c)).ToArray()))
            .Where(x => x.Threats.Length == 1)
            .Where(x =>
            {
                var after = x.Position.Play(x.Threats[0]).Next;
                return !after.IsTerminal && !after.LegalMoves().Any(c => after.Play(c).Reward == 1);
            })
            .Select(x => (x.Position, x.Threats[0]))
            .Take(count)];

    [Theory]
    [InlineData(SearchKind.Puct)]
    [InlineData(SearchKind.Gumbel)]
    public void Search_with_the_true_model_takes_an_immediate_win_and_blocks_an_immediate_loss(SearchKind kind)
    {
        // Pure search: uniform priors and value 0 at every leaf, so the only signal is the rules' rewards.
        var model = new BoardGameModel<ConnectFour>();
        var options = new SearchOptions
        {
            Kind = kind, Simulations = 400, DirichletFraction = 0, GumbelScale = 0, ConsideredActions = 7, ValueMin = -1, ValueMax = 1,
        };
        var wins = WinningPositions(12, 21);
        var blocks = BlockingPositions(12, 22);
        Assert.True(wins.Count == 12 && blocks.Count == 12, $"found {wins.Count} winning and {blocks.Count} blocking positions");
        var positions = wins.Select(w => w.Position).Concat(blocks.Select(b => b.Position)).ToList();
        int[] expected = [.. wins.Select(w => w.Win).Concat(blocks.Select(b => b.Block))];
        var result = BatchedSearch.Run(model, model.Roots(positions), options, new Random(0));
        for (int b = 0; b < positions.Count; b++)
            Assert.True(expected[b] == result.Actions[b],
                $"{kind}: position\n{positions[b]}\nchose {result.Actions[b]}, not {expected[b]}");
        // Negamax perspective: the root value of a won position is positive for the mover, the winning child's Q exactly 1.
        for (int b = 0; b < wins.Count; b++) Assert.Equal(1, result.Tree.RootQ(b)[expected[b]], 6);
    }

    [Fact]
    public void With_solver_leaf_values_every_root_q_is_reward_minus_the_next_value()
    {
        // Gumbel with m = all legal moves and as many simulations visits each root move once, so each child's value is
        // the evaluator's: the solver's proven result within 3 plies for the player to move there (+1, −1; 0 when
        // undecided). Negamax: Q = reward − value(next), the exact minimax Q wherever the solver decided the child.
        static int Exact(ConnectFour p) => ConnectFourSolver.Score(p, 3) is int s ? Math.Sign(s) : 0;
        var model = new BoardGameModel<ConnectFour>(ps => (new float[ps.Count * 7], [.. ps.Select(p => (float)Exact(p))]));
        var positions = RandomPositions(20, 31).Where(p => p.Stones >= 8).Take(12).ToList();
        int decidedLosses = 0;
        foreach (var position in positions)
        {
            int legal = position.LegalMoves().Count();
            var options = new SearchOptions { Kind = SearchKind.Gumbel, Simulations = legal, ConsideredActions = 7, GumbelScale = 0 };
            var result = BatchedSearch.Run(model, model.Roots([position]), options, new Random(0));
            foreach (int c in position.LegalMoves())
            {
                var (next, reward) = position.Play(c);
                double q = reward == 1 ? 1 : next.IsTerminal ? 0 : -Exact(next);
                if (q < 0) decidedLosses++;
                Assert.Equal(q, result.Tree.RootQ(0)[c], 6);
            }
        }
        Assert.True(decidedLosses > 0, "the positions include moves the solver proves lost, so the sign is tested");
    }
}
