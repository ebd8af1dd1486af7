namespace Workbench.Kernels.Points;

/// <summary>
/// One step of adaptive subdivision: the grid it produced and the points it refined.
/// </summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Height">Height of the grid after the 2× upsampling of this step.</param>
/// <param name="Width">Width of that grid.</param>
/// <param name="Skipped">True when N ≥ 4·H·W before the last step: the next step refines every cell anyway.</param>
/// <param name="Indices">Flat indices (row-major in the H × W grid) of the refined cells, most uncertain first.</param>
/// <param name="Coords">Their cell centres, P × 2 as (x, y) in [0, 1]².</param>
public sealed record SubdivisionStep(int Step, int Height, int Width, bool Skipped, int[] Indices, float[] Coords);

/// <summary>The refined logits (C × H·2^steps × W·2^steps) and every step's points.</summary>
/// <param name="Logits">The output logits, row-major per class.</param>
/// <param name="Height">Output height: the coarse height × 2^steps.</param>
/// <param name="Width">Output width: the coarse width × 2^steps.</param>
/// <param name="Steps">One entry per step, in order.</param>
public sealed record SubdivisionResult(float[] Logits, int Height, int Width, IReadOnlyList<SubdivisionStep> Steps)
{
    /// <summary>Point-head evaluations in all (the cost measure compared with a dense head's H·W).</summary>
    public int PointEvaluations => Steps.Sum(s => s.Indices.Length);
}

/// <summary>
/// PointRend's inference (Sec. 3.1, "adaptive subdivision"; detectron2 semantic_seg.py and mask_head.py): start from
/// the coarse logits; each step upsamples the current logits 2× bilinearly (align_corners = false), computes the
/// uncertainty of the upsampled logits, takes the N most uncertain cells (all cells when N ≥ H·W) and replaces their
/// logits by the point head's prediction there. The point head always sees the ORIGINAL coarse prediction sampled at
/// the point, never the refined grid. A step is skipped (upsampled only) while N ≥ 4·H·W and it is not the last: the
/// next step then covers every cell of its grid anyway. The output is coarse × 2^steps on each side.
/// </summary>
public static class Subdivision
{
    /// <summary>
    /// The point head: given P points (P × 2, x, y in [0, 1]²) and the original coarse logits sampled there
    /// (C × P), returns the refined logits there (C × P).
    /// </summary>
    public delegate float[] PointHead(float[] coords, float[] coarseAtPoints);

    /// <summary>
    /// Sees each step before its cells are replaced: the step's record and the upsampled logits (C × H × W) it chose
    /// from (e.g. to measure how many chosen cells were really wrong). It must not change the logits.
    /// </summary>
    public delegate void StepObserver(SubdivisionStep step, float[] upsampledLogits);

    /// <summary>Side lengths after <paramref name="steps"/> subdivision steps: coarse × 2^steps.</summary>
    /// <exception cref="ArgumentException">Steps below 0, a side below 1, or an output side above 65,536.</exception>
    public static (int Height, int Width) OutputSize(int coarseHeight, int coarseWidth, int steps)
    {
        if (steps < 0) throw new ArgumentException($"steps = {steps}: subdivision steps must be at least 0.");
        if (coarseHeight < 1 || coarseWidth < 1)
            throw new ArgumentException($"The coarse grid is {coarseHeight} × {coarseWidth}: both sides must be at least 1.");
        long h = (long)coarseHeight << Math.Min(steps, 20), w = (long)coarseWidth << Math.Min(steps, 20);
        if (steps > 16 || h > 65_536 || w > 65_536)
            throw new ArgumentException($"steps = {steps} makes a {coarseHeight} × {coarseWidth} grid larger than 65,536 on a side.");
        return ((int)h, (int)w);
    }

    /// <summary>
    /// True when a step whose upsampled grid is H × W is skipped: N ≥ 4·H·W and the step is not the last
    /// (detectron2 mask_head.py, "skip redundant subdivision steps").
    /// </summary>
    public static bool IsSkipped(int numPoints, int height, int width, int step, int steps) =>
        (long)numPoints >= 4L * height * width && step < steps;

    /// <summary>Runs adaptive subdivision on one image's coarse logits (C × H × W).</summary>
    /// <exception cref="ArgumentException">Sizes do not match, N is below 1, or steps is below 0.</exception>
    public static SubdivisionResult Run(float[] coarseLogits, int classes, int height, int width, int steps, int numPoints, PointHead head,
        StepObserver? observe = null)
    {
        PointSampling.CheckShapes(coarseLogits.Length, classes, height, width, 0, 0);
        if (numPoints < 1) throw new ArgumentException($"num_points = {numPoints}: each step must refine at least 1 point.");
        OutputSize(height, width, steps);
        var logits = (float[])coarseLogits.Clone();
        int h = height, w = width;
        var record = new List<SubdivisionStep>(steps);
        for (int step = 1; step <= steps; step++)
        {
            logits = BilinearResize.Resize(logits, classes, h, w, 2 * h, 2 * w);
            h *= 2;
            w *= 2;
            if (IsSkipped(numPoints, h, w, step, steps))
            {
                record.Add(new SubdivisionStep(step, h, w, true, [], []));
                continue;
            }
            // Uncertainty of the upsampled logits (not an upsampled uncertainty map).
            var uncertainty = CellUncertainty(logits, classes, h * w);
            var (indices, coords) = UncertainPoints.OnGrid(uncertainty, h, w, Math.Min(numPoints, h * w));
            var coarseAtPoints = PointSampling.Bilinear(coarseLogits, classes, height, width, coords);
            var stepRecord = new SubdivisionStep(step, h, w, false, indices, coords);
            observe?.Invoke(stepRecord, logits);
            var refined = head(coords, coarseAtPoints);
            int points = indices.Length;
            if (refined.Length != classes * points)
                throw new ArgumentException($"The point head returned {refined.Length} logits for {points} points of {classes} classes.");
            for (int c = 0; c < classes; c++)
                for (int p = 0; p < points; p++) logits[c * h * w + indices[p]] = refined[c * points + p];
            record.Add(stepRecord);
        }
        return new SubdivisionResult(logits, h, w, record);
    }

    static float[] CellUncertainty(float[] logits, int classes, int cells) =>
        PointUncertainty.Of(logits.AsSpan(0, classes * cells), classes);
}
