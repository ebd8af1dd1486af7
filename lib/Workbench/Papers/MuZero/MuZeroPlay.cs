using System.Globalization;
using Workbench.Kernels.Mcts;
using Workbench.Runs;

namespace Workbench.Papers.MuZero;

/// <summary>Playing against the agent: a game given as the moves so far, the agent's reply, and the board as text.</summary>
public static class MuZeroPlay
{
    /// <summary>
    /// Replays <paramref name="moves"/> (cells 0–8, comma- or space-separated, both sides' moves in order, empty = a new
    /// game) and lets the agent move if it is its turn and the game is not over. Returns the text shown to the player.
    /// </summary>
    /// <exception cref="ConfigException">A move is not a cell number or is illegal (one sentence).</exception>
    public static string Reply(Planner agent, string moves, SearchOptions options)
    {
        var position = TicTacToe.Empty;
        var parts = moves.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out int cell))
                throw new ConfigException($"Move '{parts[i]}' is not a cell number: cells are 0-8, row by row from the top left.");
            try
            {
                position = position.Play(cell).Next;
            }
            catch (ArgumentException e)
            {
                throw new ConfigException($"Move {i + 1} of '{moves}': {e.Message}");
            }
        }
        string text = "";
        if (!position.IsTerminal)
        {
            var result = agent.Search([position], options, new Random(0));
            int reply = result.Actions[0];
            position = position.Play(reply).Next;
            text = $"agent plays {reply} (search value {SignedValue(result.RootValues[0])} for the agent)\n";
        }
        string state = position.Winner switch
        {
            1 => "X wins",
            -1 => "O wins",
            _ when position.IsTerminal => "draw",
            _ => $"{(position.XToMove ? "X" : "O")} to move; legal: {string.Join(",", position.LegalMoves())}",
        };
        return text + position + "\n" + state;
    }

    /// <summary>A value with its sign and two decimals ("+0.25", "-0.50", "0.00"); −0 and values that round to 0 print "0.00".</summary>
    internal static string SignedValue(double value) =>
        (Math.Round(value, 2) + 0.0).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture); // + 0.0 turns −0 into 0
}
