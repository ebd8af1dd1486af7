using Workbench.Kernels.Mcts;
using Workbench.Runs;

namespace Workbench.Papers.MuZero;

/// <summary>
/// Knobs of the MuZero reproduction (Schrittwieser et al., Nature 2020; Gumbel MuZero, Danihelka et al., ICLR 2022) on
/// tic-tac-toe, Connect-4 and cart-pole. The defaults are the reading-group preset: three tic-tac-toe seeds trained from
/// scratch with batched Gumbel search, then strength against random, a rule bot and perfect play, ablations at
/// evaluation and at training, and an exact audit; beside them a short Connect-4 run and three short cart-pole runs.
/// </summary>
public sealed record MuZeroConfig : RunConfig
{
    /// <summary>The game of the main runs: tic-tac-toe (the full pipeline: oracle, ablations, audit), connect4 or cartpole.</summary>
    [Knob("game of the main runs: tic-tac-toe (full pipeline, plus the Connect-4 and cart-pole sections), connect4 or cartpole")]
    public GameKind Game { get; init; } = GameKind.TicTacToe;

    /// <summary>Search used in self-play.</summary>
    [Knob("search used in self-play (gumbel or puct)")]
    public SearchKind Search { get; init; } = SearchKind.Gumbel;

    /// <summary>Simulations per move in self-play.</summary>
    [Knob("simulations per move in self-play", Unit = "simulations", Min = 1, Max = 1000)]
    public int Simulations { get; init; } = 8;

    /// <summary>Simulations per move when the agent is evaluated.</summary>
    [Knob("simulations per move at evaluation", Unit = "simulations", Min = 1, Max = 1000)]
    public int EvalSimulations { get; init; } = 32;

    /// <summary>Gumbel: root actions sampled (m); 0 = every move of the game (9, 7 or 2).</summary>
    [Knob("Gumbel: root actions considered m (at most the game's moves: 9 tic-tac-toe, 7 Connect-4, 2 cart-pole); 0 = all",
        Unit = "actions", Min = 0, Max = 1000)]
    public int ConsideredActions { get; init; }

    /// <summary>Gumbel in the board games: rescale completed Q by each node's min and max (mctx) instead of [−1, 1].</summary>
    [Knob("Gumbel, board games: rescale completed Q by each node's own min and max (mctx's default) instead of the bounds [−1, 1]")]
    public bool GumbelNodeRescale { get; init; }

    /// <summary>K: unroll steps of the dynamics in the loss.</summary>
    [Knob("unroll steps K of the learned dynamics", Unit = "steps", Min = 1, Max = 10)]
    public int UnrollSteps { get; init; } = 5;

    /// <summary>n of the n-step value target (≥ 9 is the Monte Carlo return in tic-tac-toe).</summary>
    [Knob("n of the n-step value target (9 = game outcome)", Unit = "moves", Min = 1, Max = 1000)]
    public int TdSteps { get; init; } = 9;

    /// <summary>Discount magnitude γ; two-player games back up with −γ.</summary>
    [Knob("discount γ per move (two-player games back up with −γ)", Min = 0, MinExclusive = true, Max = 1)]
    public double Discount { get; init; } = 1;

    /// <summary>Training iterations (self-play batch, then training steps).</summary>
    [Knob("training iterations (self-play games, then SGD steps)", Unit = "iterations", Min = 1, Max = 100_000)]
    public int Iterations { get; init; } = 80;

    /// <summary>Self-play games per iteration (searched as one batch).</summary>
    [Knob("self-play games per iteration (one batched search)", Unit = "games", Min = 1, Max = 10_000)]
    public int GamesPerIteration { get; init; } = 64;

    /// <summary>
    /// Adam steps per iteration of the tic-tac-toe runs. 48 keeps the reading-group preset within its budget on a slow
    /// 2-core machine; the paper preset trains 80 (the shipped checkpoint).
    /// </summary>
    [Knob("Adam steps per iteration (tic-tac-toe; Connect-4 and cart-pole have their own)", Unit = "steps", Min = 1, Max = 10_000)]
    public int TrainStepsPerIteration { get; init; } = 48;

    /// <summary>Positions per minibatch.</summary>
    [Knob("positions per minibatch", Unit = "positions", Min = 1, Max = 10_000)]
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    [Knob("Adam learning rate", Min = 0, MinExclusive = true, Max = 1)]
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>L2 weight decay.</summary>
    [Knob("L2 weight decay", Min = 0, Max = 1)]
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Replay buffer capacity.</summary>
    [Knob("replay buffer capacity", Unit = "games", Min = 1, Max = 1_000_000)]
    public int ReplayGames { get; init; } = 1000;

    /// <summary>Width of the reward's own branch on (state, action); 0 reads the reward off the dynamics' features.</summary>
    [Knob("width of the reward's own two-layer branch on (state, action); 0 = linear read-out of the dynamics trunk",
        Unit = "units", Min = 0, Max = 4096)]
    public int RewardWidth { get; init; }

    /// <summary>Priority exponent α of replay sampling: P(i) ∝ |ν_i − z_i|^α, importance-weighted (MuZero's Atari setting: 1).</summary>
    [Knob("replay priority exponent α: P(i) ∝ |search value − n-step target|^α, importance-weighted; 0 = uniform", Min = 0, Max = 2)]
    public double PriorityExponent { get; init; }

    /// <summary>Train each sample under a random one of the board's 8 symmetries (AlphaGo Zero's augmentation).</summary>
    [Knob("train each sample under a random one of the board's 8 rotations/reflections (AlphaGo Zero's augmentation)")]
    public bool Augment { get; init; } = true;

    /// <summary>Hidden-state size.</summary>
    [Knob("hidden-state size", Unit = "floats", Min = 2, Max = 1024)]
    public int HiddenSize { get; init; } = 32;

    /// <summary>Width of the networks' hidden layers.</summary>
    [Knob("width of the networks' hidden layers", Unit = "units", Min = 4, Max = 4096)]
    public int Width { get; init; } = 128;

    /// <summary>pUCT root Dirichlet α.</summary>
    [Knob("pUCT: root Dirichlet α", Min = 0, MinExclusive = true, Max = 10)]
    public double DirichletAlpha { get; init; } = 0.3;

    /// <summary>pUCT root noise fraction.</summary>
    [Knob("pUCT: root noise fraction", Min = 0, Max = 1)]
    public double DirichletFraction { get; init; } = 0.25;

    /// <summary>Opening moves of self-play sampled from the search's policy target before playing the search's choice.</summary>
    [Knob("self-play opening moves sampled from the search's policy target", Unit = "moves", Min = 0, Max = 1000)]
    public int ExploreMoves { get; init; } = 4;

    /// <summary>Iterations between evaluations during training.</summary>
    [Knob("iterations between evaluations during training", Unit = "iterations", Min = 1, Max = 100_000)]
    public int EvalEvery { get; init; } = 5;

    /// <summary>Games per opponent at each evaluation during training.</summary>
    [Knob("games per opponent at each evaluation during training", Unit = "games", Min = 2, Max = 100_000)]
    public int EvalGames { get; init; } = 100;

    /// <summary>Games per opponent in the final evaluation.</summary>
    [Knob("games per opponent in the final evaluation", Unit = "games", Min = 2, Max = 100_000)]
    public int FinalEvalGames { get; init; } = 500;

    /// <summary>Iterations between checkpoints.</summary>
    [Knob("iterations between checkpoints", Unit = "iterations", Min = 1, Max = 100_000)]
    public int CheckpointEvery { get; init; } = 10;

    /// <summary>First seed.</summary>
    [Knob("first random seed", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Seeds of the main runs.</summary>
    [Knob("seeds of the main runs (mean ± std over them)", Unit = "seeds", Min = 1, Max = 20)]
    public int Seeds { get; init; } = 3;

    /// <summary>Simulation counts of the evaluation ablation (pUCT and Gumbel on the trained networks).</summary>
    [Knob("simulation counts of the evaluation ablation", Unit = "simulations", Min = 1, Max = 1000)]
    public int[] EvalSimulationSweep { get; init; } = [2, 4, 8, 16, 32];

    /// <summary>Games per point of the evaluation ablation.</summary>
    [Knob("games per point of the evaluation ablation (against the rule bot)", Unit = "games", Min = 2, Max = 100_000)]
    public int SweepGames { get; init; } = 200;

    /// <summary>Training-simulation counts of the training ablation (one seed each, besides the main runs).</summary>
    [Knob("self-play simulation counts of the training ablation (one seed each)", Unit = "simulations", Min = 1, Max = 1000)]
    public int[] TrainSimulationSweep { get; init; } = [2];

    /// <summary>Unroll steps of the K ablation (one seed each, besides the main runs).</summary>
    [Knob("unroll steps of the K ablation (one seed each)", Unit = "steps", Min = 1, Max = 10)]
    public int[] UnrollSweep { get; init; } = [1, 3];

    /// <summary>Seeds of the Connect-4 runs shown beside tic-tac-toe (0 skips them).</summary>
    [Knob("seeds of the Connect-4 runs beside tic-tac-toe (0 skips them; with game=connect4 the main runs use seeds)",
        Unit = "seeds", Min = 0, Max = 20)]
    public int ConnectFourSeeds { get; init; } = 1;

    /// <summary>Training iterations of every Connect-4 run.</summary>
    [Knob("training iterations of every Connect-4 run", Unit = "iterations", Min = 1, Max = 100_000)]
    public int ConnectFourIterations { get; init; } = 10;

    /// <summary>Adam steps per Connect-4 iteration.</summary>
    [Knob("Adam steps per Connect-4 iteration", Unit = "steps", Min = 1, Max = 10_000)]
    public int ConnectFourTrainSteps { get; init; } = 80;

    /// <summary>Seeds of the cart-pole runs shown beside tic-tac-toe (0 skips them).</summary>
    [Knob("seeds of the cart-pole runs beside tic-tac-toe (0 skips them; with game=cartpole the main runs use seeds)",
        Unit = "seeds", Min = 0, Max = 20)]
    public int CartPoleSeeds { get; init; } = 3;

    /// <summary>Training iterations of every cart-pole run.</summary>
    [Knob("training iterations of every cart-pole run", Unit = "iterations", Min = 1, Max = 100_000)]
    public int CartPoleIterations { get; init; } = 10;

    /// <summary>Self-play episodes per cart-pole iteration.</summary>
    [Knob("self-play episodes per cart-pole iteration (one batched search per step)", Unit = "episodes", Min = 1, Max = 10_000)]
    public int CartPoleEpisodes { get; init; } = 16;

    /// <summary>Adam steps per cart-pole iteration.</summary>
    [Knob("Adam steps per cart-pole iteration (80 made learning unstable in one of 3 seeds at the reading-group scale)",
        Unit = "steps", Min = 1, Max = 10_000)]
    public int CartPoleTrainSteps { get; init; } = 40;

    /// <summary>Cart-pole: steps after which an episode is cut off.</summary>
    [Knob("cart-pole: steps after which an episode is cut off (CartPole-v1: 500)", Unit = "steps", Min = 1, Max = CartPole.StepLimit)]
    public int EpisodeSteps { get; init; } = 200;

    /// <summary>Cart-pole: discount γ (MuZero's Atari value).</summary>
    [Knob("cart-pole: discount γ per step (MuZero's Atari setting: 0.997)", Min = 0, MinExclusive = true, Max = 1)]
    public double CartPoleDiscount { get; init; } = 0.997;

    /// <summary>Cart-pole: n of the n-step value target (bootstrapped from the search value n steps on).</summary>
    [Knob("cart-pole: n of the n-step value target, bootstrapped from the root search value n steps later", Unit = "steps",
        Min = 1, Max = 1000)]
    public int CartPoleTdSteps { get; init; } = 10;

    /// <summary>Cart-pole: S of the categorical support of h(value) and h(reward).</summary>
    [Knob("cart-pole: S of the categorical support {−S…S} of h(value) and h(reward) (MuZero Atari: 300)", Unit = "bins",
        Min = 1, Max = 1000)]
    public int SupportSize { get; init; } = 20;

    /// <summary>Seeds of the AlphaZero (true-model) runs compared with MuZero.</summary>
    [Knob("seeds of the AlphaZero runs (search with the true simulator); 0 skips them", Unit = "seeds", Min = 0, Max = 20)]
    public int AlphaZeroSeeds { get; init; } = 3;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (!Enum.IsDefined(Game))
            throw new ConfigException($"game = {Game} is not a game: choose {string.Join(", ", EnumNames.All(typeof(GameKind)))}.");
        var rules = MuZeroGame.For(Game);
        if (ConsideredActions > rules.ActionCount)
            throw new ConfigException($"considered_actions = {ConsideredActions} is larger than the {rules.ActionCount} moves of "
                + $"{rules.Title}: Gumbel m must be in [1, {rules.ActionCount}], or 0 for all of them.");
        CheckList("eval_simulation_sweep", EvalSimulationSweep, 1, 1000);
        CheckList("train_simulation_sweep", TrainSimulationSweep, 1, 1000);
        CheckList("unroll_sweep", UnrollSweep, 1, 10);
        if (EvalSimulationSweep.Length == 0)
            throw new ConfigException("eval_simulation_sweep is empty: give at least one simulation count, e.g. 2,8,32.");
    }

    static void CheckList(string name, int[] values, int min, int max)
    {
        foreach (int v in values)
            if (v < min || v > max)
                throw new ConfigException($"{name} contains {v}: every value must be in [{min}, {max}].");
    }

    /// <summary>Gumbel m of <paramref name="game"/>: the knob, capped at the game's moves; 0 = all of them.</summary>
    public int ConsideredFor(GameKind game)
    {
        int actions = MuZeroGame.For(game).ActionCount;
        return ConsideredActions == 0 ? actions : Math.Min(ConsideredActions, actions);
    }

    /// <summary>
    /// One training run of <paramref name="game"/> at <paramref name="seed"/>: tic-tac-toe's is <see cref="TrainRun"/>
    /// for tic-tac-toe; Connect-4 trains <see cref="ConnectFourIterations"/> iterations of <see cref="ConnectFourTrainSteps"/>
    /// Adam steps with the other knobs as they are;
    /// cart-pole <see cref="CartPoleIterations"/> iterations of <see cref="CartPoleEpisodes"/> episodes and
    /// <see cref="CartPoleTrainSteps"/> Adam steps each with its own
    /// γ, n-step target, categorical support and episode cap, without augmentation, every self-play action sampled from
    /// the search's policy target (as MuZero does for Atari, at temperature 1). The short runs are evaluated more often
    /// (Connect-4 and cart-pole at least 5 times, cart-pole also before training), and cart-pole on at most
    /// <see cref="CartPoleEpisodes"/> episodes per point and twice that at the end, searching with the self-play
    /// simulations, since an episode is up to <see cref="EpisodeSteps"/> searches.
    /// </summary>
    public MuZeroTrainRun GameRun(GameKind game, int seed, bool trueModel = false)
    {
        var run = (this with { Game = game }).TrainRun(seed, trueModel: trueModel);
        return game switch
        {
            GameKind.ConnectFour => run with
            {
                Iterations = ConnectFourIterations, TrainStepsPerIteration = ConnectFourTrainSteps,
                EvalEvery = Math.Min(EvalEvery, Math.Max(1, ConnectFourIterations / 5)),
            },
            GameKind.CartPole => run with
            {
                Iterations = CartPoleIterations, GamesPerIteration = CartPoleEpisodes, TrainStepsPerIteration = CartPoleTrainSteps,
                Discount = CartPoleDiscount,
                TdSteps = CartPoleTdSteps, SupportSize = SupportSize, EpisodeSteps = EpisodeSteps, Augment = false,
                ExploreMoves = EpisodeSteps, EvalSimulations = Simulations,
                EvalEvery = Math.Min(EvalEvery, Math.Max(1, CartPoleIterations / 5)), EvalGames = Math.Min(EvalGames, CartPoleEpisodes),
                FinalEvalGames = Math.Min(FinalEvalGames, 2 * CartPoleEpisodes),
            },
            _ => run,
        };
    }

    /// <summary>One training run: the main one at <paramref name="seed"/>, or an ablation's variant of it.</summary>
    public MuZeroTrainRun TrainRun(int seed, int? simulations = null, int? unroll = null, bool trueModel = false) => new()
    {
        Game = Game, Search = Search, Simulations = simulations ?? Simulations, EvalSimulations = EvalSimulations,
        ConsideredActions = ConsideredFor(Game), UnrollSteps = trueModel ? 0 : unroll ?? UnrollSteps, TdSteps = TdSteps,
        Discount = Discount, Iterations = Iterations, GamesPerIteration = GamesPerIteration,
        TrainStepsPerIteration = TrainStepsPerIteration, BatchSize = BatchSize, LearningRate = LearningRate,
        WeightDecay = WeightDecay, ReplayGames = ReplayGames, HiddenSize = HiddenSize, Width = Width,
        DirichletAlpha = DirichletAlpha, DirichletFraction = DirichletFraction, ExploreMoves = ExploreMoves,
        EvalEvery = EvalEvery, EvalGames = EvalGames, FinalEvalGames = FinalEvalGames, CheckpointEvery = CheckpointEvery,
        TrueModel = trueModel, Seed = seed, RewardWidth = RewardWidth, PriorityExponent = PriorityExponent,
        Augment = Augment, GumbelNodeRescale = GumbelNodeRescale, Revision = MuZeroTrainRun.CurrentRevision,
    };

    /// <summary>An evaluation of a trained network (named by its run hash) with one search setting against one opponent.</summary>
    public MuZeroEvalRun EvalRun(string parent, SearchKind search, int simulations, bool trueModel, Opponent opponent, int games,
        int seed) => new()
    {
        Parent = parent, Search = search, Simulations = simulations, ConsideredActions = ConsideredFor(Game), TrueModel = trueModel,
        Opponent = opponent, Games = games, Seed = seed,
    };

    /// <summary>The exact audit of a trained network (named by its run hash) against the oracle.</summary>
    public MuZeroAuditRun AuditRun(string parent, int seed) => new()
    {
        Parent = parent, MaxSteps = 5, Seed = seed, Revision = MuZeroAuditRun.CurrentRevision,
    };
}
