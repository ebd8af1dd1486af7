namespace Workbench.Kernels.Mcts;

/// <summary>
/// The roots of a batched search: what the representation and prediction functions gave for B real states, and the
/// legal-move mask (the only rule the search is shown).
/// </summary>
/// <param name="Batch">Number of games B.</param>
/// <param name="Embeddings">B × D root embeddings.</param>
/// <param name="PriorLogits">B × A prior logits.</param>
/// <param name="Values">B root values for the player to move.</param>
/// <param name="Legal">B × A legal-move mask; every row needs at least one legal action.</param>
public sealed record SearchRoot(int Batch, float[] Embeddings, float[] PriorLogits, float[] Values, bool[] Legal);
