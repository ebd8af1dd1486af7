namespace Workbench.Kernels.Mcts;

/// <summary>What a batched search returns.</summary>
/// <param name="Tree">The search trees (root statistics, for pictures and tests).</param>
/// <param name="Actions">B chosen actions: pUCT the most visited (ties: higher prior); Gumbel the Sequential Halving winner.</param>
/// <param name="ActionWeights">B × A policy targets: pUCT the visit distribution; Gumbel softmax(logits + σ(completed Q)).</param>
/// <param name="RootValues">B search values of the roots (mean backed-up value).</param>
public sealed record SearchResult(SearchTree Tree, int[] Actions, float[] ActionWeights, float[] RootValues);
