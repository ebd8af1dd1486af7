namespace Workbench.Kernels.LearnedIndex;

/// <summary>Build options of a <see cref="RecursiveModelIndex"/>.</summary>
/// <param name="Root">Stage-1 model family.</param>
/// <param name="Leaves">Number of stage-2 linear models (the branching factor B), ≥ 1.</param>
/// <param name="Search">Last-mile search.</param>
/// <param name="RootSample">Keys the root is fitted on (evenly strided sample).</param>
/// <param name="MlpHidden">Hidden units of the MLP root.</param>
/// <param name="MlpSteps">Adam steps of the MLP root.</param>
/// <param name="Seed">Seed of the MLP root's initialisation.</param>
public sealed record RmiOptions(RootModelKind Root = RootModelKind.LogLinear, int Leaves = 4096,
    LastMileSearch Search = LastMileSearch.Binary, int RootSample = 100_000, int MlpHidden = 16, int MlpSteps = 400, int Seed = 0);
