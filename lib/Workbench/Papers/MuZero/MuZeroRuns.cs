using Workbench.Kernels.Mcts;
using Workbench.Runs;

namespace Workbench.Papers.MuZero;

/// <summary>
/// One training run from scratch (built by <see cref="MuZeroConfig.TrainRun"/>): only the knobs that change its numbers.
/// <see cref="UnrollSteps"/> 0 with <see cref="TrueModel"/> is AlphaZero: search with the real rules, no dynamics trained.
/// </summary>
public sealed record MuZeroTrainRun : RunConfig
{
    /// <summary>The game.</summary>
    public GameKind Game { get; init; } = GameKind.TicTacToe;

    /// <summary>Self-play search.</summary>
    public SearchKind Search { get; init; } = SearchKind.Gumbel;

    /// <summary>Self-play simulations per move.</summary>
    public int Simulations { get; init; } = 8;

    /// <summary>Simulations at the evaluations during training.</summary>
    public int EvalSimulations { get; init; } = 16;

    /// <summary>Gumbel m.</summary>
    public int ConsideredActions { get; init; } = 9;

    /// <summary>K (0 = AlphaZero: no dynamics in the loss).</summary>
    public int UnrollSteps { get; init; } = 5;

    /// <summary>n-step value target.</summary>
    public int TdSteps { get; init; } = 9;

    /// <summary>Discount magnitude.</summary>
    public double Discount { get; init; } = 1;

    /// <summary>Iterations.</summary>
    public int Iterations { get; init; } = 50;

    /// <summary>Self-play games per iteration.</summary>
    public int GamesPerIteration { get; init; } = 64;

    /// <summary>Adam steps per iteration.</summary>
    public int TrainStepsPerIteration { get; init; } = 20;

    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>L2 weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Replay capacity in games.</summary>
    public int ReplayGames { get; init; } = 1000;

    /// <summary>Hidden-state size.</summary>
    public int HiddenSize { get; init; } = 32;

    /// <summary>Layer width.</summary>
    public int Width { get; init; } = 64;

    /// <summary>Dirichlet α.</summary>
    public double DirichletAlpha { get; init; } = 0.3;

    /// <summary>Dirichlet fraction.</summary>
    public double DirichletFraction { get; init; } = 0.25;

    /// <summary>Self-play opening moves sampled from the policy target.</summary>
    public int ExploreMoves { get; init; } = 4;

    /// <summary>Iterations between evaluations.</summary>
    public int EvalEvery { get; init; } = 5;

    /// <summary>Games per opponent per evaluation.</summary>
    public int EvalGames { get; init; } = 100;

    /// <summary>Games per opponent at the end.</summary>
    public int FinalEvalGames { get; init; } = 500;

    /// <summary>Iterations between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 10;

    /// <summary>Search with the real rules (AlphaZero) instead of the learned dynamics.</summary>
    public bool TrueModel { get; init; }

    /// <summary>Seed.</summary>
    public int Seed { get; init; }

    /// <summary>Width of the reward's own branch (0: linear read-out of the dynamics' features).</summary>
    public int RewardWidth { get; init; }

    /// <summary>Priority exponent α of replay sampling (0: uniform).</summary>
    public double PriorityExponent { get; init; }

    /// <summary>Train on a random one of the board's 8 symmetries of each sample.</summary>
    public bool Augment { get; init; }

    /// <summary>
    /// Revision of the training code's numbers; set explicitly by <see cref="MuZeroConfig.TrainRun"/> (non-default values
    /// enter the hash) and raised when what a run computes changes.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>
    /// The current <see cref="Revision"/> (1: reward branch, prioritized replay and augmentation knobs; 2: the unrolled loss
    /// predicts all K + 1 hidden states in one batch, the same sums in another floating-point order). Connect-4 and cart-pole
    /// did not raise it: they computed new runs (their <see cref="Game"/> enters the hash).
    /// </summary>
    public const int CurrentRevision = 2;

    /// <summary>S of the categorical value and reward support (0: scalar tanh heads and MSE, the board games' setting).</summary>
    public int SupportSize { get; init; }

    /// <summary>Cart-pole: steps after which an episode is cut off (0 for the board games).</summary>
    public int EpisodeSteps { get; init; }

    /// <summary>The game's training view.</summary>
    public MuZeroGame GameRules => MuZeroGame.For(Game);

    /// <summary>
    /// The discount of backups and value targets: −γ for two-player games (values from the mover's side), +γ for a
    /// single-player task.
    /// </summary>
    public double SignedDiscount => GameRules.TwoPlayer ? -Discount : Discount;

    /// <summary>
    /// Gumbel in the board games: rescale completed Q by the node's own min and max (mctx's
    /// <c>qtransform_completed_by_mix_value</c>, <c>rescale_values=True</c>) instead of the known bounds [−1, 1]. Off by
    /// default: with 8 simulations it stretches any difference between two noisy Q values to the full range, and in a
    /// 3-seed trial of the reading-group preset (revision 2) it trained agents at 79–85 % non-loss against random instead of
    /// 99–100 %. The price of the bounds: a Q gap moves the root logits less, so a strong prior can outvote the search.
    /// </summary>
    public bool GumbelNodeRescale { get; init; }

    /// <summary>
    /// Known value bounds of a search of <paramref name="kind"/>: [−1, 1] in the board games (pUCT always; Gumbel unless
    /// <see cref="GumbelNodeRescale"/>); none (the tree's own, MinMaxStats) for unbounded returns.
    /// </summary>
    (double Min, double Max) ValueBounds(SearchKind kind) =>
        GameRules.TwoPlayer && !(kind == SearchKind.Gumbel && GumbelNodeRescale) ? (-1, 1) : (double.NaN, double.NaN);

    /// <summary>The search settings of self-play.</summary>
    public SearchOptions SelfPlayOptions => new()
    {
        Kind = Search, Simulations = Simulations, ConsideredActions = ConsideredActions, DirichletAlpha = DirichletAlpha,
        DirichletFraction = DirichletFraction, ValueMin = ValueBounds(Search).Min, ValueMax = ValueBounds(Search).Max,
        GumbelScale = 1, TreeMinMax = !GameRules.TwoPlayer,
    };

    /// <summary>The search settings of evaluations: no root noise, no Gumbel noise.</summary>
    public SearchOptions EvalOptions(SearchKind kind, int simulations) => new()
    {
        Kind = kind, Simulations = simulations, ConsideredActions = ConsideredActions, DirichletFraction = 0,
        ValueMin = ValueBounds(kind).Min, ValueMax = ValueBounds(kind).Max, GumbelScale = 0, TreeMinMax = !GameRules.TwoPlayer,
    };
}

/// <summary>Wins, draws and losses of the agent against one opponent (the agent moves first in half of the games).</summary>
/// <param name="Wins">Games the agent won.</param>
/// <param name="Draws">Draws.</param>
/// <param name="Losses">Games the agent lost.</param>
public sealed record Score(int Wins, int Draws, int Losses)
{
    /// <summary>Games played.</summary>
    public int Games => Wins + Draws + Losses;

    /// <summary>Fraction of games not lost.</summary>
    public double NonLoss => Games == 0 ? double.NaN : (double)(Wins + Draws) / Games;

    /// <summary>Fraction of draws.</summary>
    public double DrawRate => Games == 0 ? double.NaN : (double)Draws / Games;
}

/// <summary>Result of a training run.</summary>
/// <param name="Random">Final score against the random player.</param>
/// <param name="RuleBot">Final score against the rule bot.</param>
/// <param name="Minimax">Final score against perfect play.</param>
/// <param name="TrainSeconds">Wall time of the training (a resumed run counts only its last part).</param>
/// <param name="SelfPlayGamesPerSecond">Self-play throughput (batched search, network included).</param>
/// <param name="TrainStepsPerSecond">Adam steps per second.</param>
/// <param name="SimulationsPerSecond">Search simulations per second in self-play (games × simulations per move).</param>
/// <param name="SkippedSteps">Steps skipped because the loss was not finite.</param>
/// <param name="MeanReturn">Single-player task: mean undiscounted episode return of the final evaluation (0 for board games).</param>
/// <param name="ReturnStd">Its standard deviation over the episodes.</param>
/// <remarks>Scores a game does not have (Connect-4 against perfect play, every score of cart-pole) are 0 games.</remarks>
public sealed record MuZeroTrainResult(Score Random, Score RuleBot, Score Minimax, double TrainSeconds, double SelfPlayGamesPerSecond,
    double TrainStepsPerSecond, double SimulationsPerSecond, int SkippedSteps, double MeanReturn = 0, double ReturnStd = 0);

/// <summary>An evaluation of a trained network: its parent run's hash, the search setting and the opponent.</summary>
public sealed record MuZeroEvalRun : RunConfig
{
    /// <summary>Hash of the training run whose final network plays.</summary>
    public string Parent { get; init; } = "";

    /// <summary>Search at evaluation.</summary>
    public SearchKind Search { get; init; } = SearchKind.Gumbel;

    /// <summary>Simulations per move.</summary>
    public int Simulations { get; init; } = 16;

    /// <summary>Gumbel m.</summary>
    public int ConsideredActions { get; init; } = 9;

    /// <summary>Search with the real rules and the network's prediction (AlphaZero-style) instead of its dynamics.</summary>
    public bool TrueModel { get; init; }

    /// <summary>The opponent.</summary>
    public Opponent Opponent { get; init; } = Opponent.RuleBot;

    /// <summary>Games.</summary>
    public int Games { get; init; } = 200;

    /// <summary>Seed of the opponents' and the search's randomness.</summary>
    public int Seed { get; init; }
}

/// <summary>The exact audit of a trained network over every reachable position.</summary>
public sealed record MuZeroAuditRun : RunConfig
{
    /// <summary>Hash of the training run.</summary>
    public string Parent { get; init; } = "";

    /// <summary>Longest dynamics rollout audited.</summary>
    public int MaxSteps { get; init; } = 5;

    /// <summary>Seed of the random move sequences.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Revision of what the audit records; set explicitly by <see cref="MuZeroConfig.AuditRun"/> (non-default values enter the
    /// hash) and raised when the recorded numbers change.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/> (1: the audit also records how often the true reward is 0).</summary>
    public const int CurrentRevision = 1;
}

/// <summary>Audit numbers of one network.</summary>
/// <param name="Positions">Unfinished positions audited.</param>
/// <param name="ValueMae">Mean |v(s) − v*(s)| of the representation + prediction.</param>
/// <param name="ValueSignAgreement">Fraction where v rounded to {−1, 0, 1} equals v*.</param>
/// <param name="PolicyOptimal">Fraction where the policy's most likely legal move is optimal.</param>
/// <param name="RolloutValueMae">Per k = 1..K, over sequences still in play before step k: mean |v after k learned dynamics
/// steps − v* of the real position reached| (0 for a finished one).</param>
/// <param name="RolloutValueAgreement">Per k: fraction where that value rounds to v*.</param>
/// <param name="RolloutRewardAccuracy">Per k: fraction where the k-th predicted reward rounds to the true reward.</param>
/// <param name="RolloutPolicyOptimal">Per k: fraction of unfinished reached positions whose policy argmax (legal) is optimal.</param>
/// <param name="RolloutRewardZeroRate">Per k: fraction of those moves whose true reward is 0, i.e. the reward accuracy of a
/// model that never predicts a win (the baseline <see cref="RolloutRewardAccuracy"/> must beat).</param>
public sealed record MuZeroAuditResult(int Positions, double ValueMae, double ValueSignAgreement, double PolicyOptimal,
    double[] RolloutValueMae, double[] RolloutValueAgreement, double[] RolloutRewardAccuracy, double[] RolloutPolicyOptimal,
    double[] RolloutRewardZeroRate);
