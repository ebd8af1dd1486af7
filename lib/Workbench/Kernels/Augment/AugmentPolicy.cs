namespace Workbench.Kernels.Augment;

/// <summary>
/// How augmentation plans are drawn. A weak view (FixMatch §2.3) is a horizontal flip with probability ½ where
/// allowed and a random integer shift of up to <see cref="MaxShift"/> of the side with reflect padding; a strong view
/// adds <see cref="OpsPerImage"/> RandAugment operations drawn uniformly (with replacement) from <see cref="Ops"/>, each
/// with its own uniform magnitude in [0, 1] and applied with probability <see cref="ApplyProbability"/> (1 in the
/// FixMatch paper's RandAugment; 0.5 in the most-used PyTorch port), then Cutout of a square of
/// <see cref="CutoutFraction"/> of the side. Random numbers are drawn in a fixed order per image (flip, shift x,
/// shift y, then per operation: which, magnitude, applied or not, then the Cutout centre), so one seed gives one plan.
/// </summary>
public sealed record AugmentPolicy
{
    /// <summary>Mirror left–right with probability ½ (off for digits, whose mirror image is another symbol or none).</summary>
    public bool Flip { get; init; }

    /// <summary>Largest shift as a fraction of the side, in [0, 1): pixels = ⌊fraction · side⌋ (12.5 % of 28 → 3).</summary>
    public double MaxShift { get; init; } = 0.125;

    /// <summary>The RandAugment pool; empty for a weak view.</summary>
    public IReadOnlyList<AugmentOp> Ops { get; init; } = [];

    /// <summary>Operations drawn per image (RandAugment's N; 2 in FixMatch).</summary>
    public int OpsPerImage { get; init; } = 2;

    /// <summary>Probability that each drawn operation is applied, in [0, 1].</summary>
    public double ApplyProbability { get; init; } = 1;

    /// <summary>Cutout side as a fraction of the image side, in [0, 1]; 0 for none (½ in FixMatch's strong view).</summary>
    public double CutoutFraction { get; init; }

    /// <summary>The weak view: flip where allowed, shift by up to 12.5 %.</summary>
    public static AugmentPolicy Weak(bool flip, double maxShift = 0.125) => new() { Flip = flip, MaxShift = maxShift };

    /// <summary>The strong view: the weak one, then RandAugment over <paramref name="ops"/>, then Cutout.</summary>
    public static AugmentPolicy Strong(bool flip, IReadOnlyList<AugmentOp> ops, double applyProbability = 1, double cutoutFraction = 0.5,
        int opsPerImage = 2, double maxShift = 0.125) => new()
        {
            Flip = flip, MaxShift = maxShift, Ops = ops, ApplyProbability = applyProbability, CutoutFraction = cutoutFraction,
            OpsPerImage = opsPerImage,
        };

    /// <summary>Draws the plan of one image of <paramref name="height"/> × <paramref name="width"/> pixels.</summary>
    /// <exception cref="ArgumentException">A setting is out of range (one sentence naming it).</exception>
    public AugmentPlan Draw(Random random, int height, int width)
    {
        Check(height, width);
        bool flip = Flip && random.NextDouble() < 0.5;
        int mx = (int)Math.Floor(MaxShift * width), my = (int)Math.Floor(MaxShift * height);
        int dx = random.Next(-mx, mx + 1), dy = random.Next(-my, my + 1);
        var steps = new List<AugmentStep>(OpsPerImage);
        if (Ops.Count > 0)
            for (int k = 0; k < OpsPerImage; k++)
            {
                var op = Ops[random.Next(Ops.Count)];
                double magnitude = random.NextDouble();
                bool applied = random.NextDouble() < ApplyProbability;
                if (applied) steps.Add(new AugmentStep(op, AugmentOps.ValueAt(op, magnitude)));
            }
        int side = (int)Math.Round(CutoutFraction * Math.Min(height, width));
        int cutX = side > 0 ? random.Next(width) : 0, cutY = side > 0 ? random.Next(height) : 0;
        return new AugmentPlan(flip, dx, dy, [.. steps], side, cutX, cutY);
    }

    /// <summary>Draws <paramref name="count"/> plans in order from one generator.</summary>
    public AugmentPlan[] Draw(Random random, int count, int height, int width)
    {
        var plans = new AugmentPlan[count];
        for (int i = 0; i < count; i++) plans[i] = Draw(random, height, width);
        return plans;
    }

    void Check(int height, int width)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"The image is {height} × {width}: both sides must be at least 1.");
        if (!(MaxShift >= 0 && MaxShift < 1))
            throw new ArgumentException($"The largest shift {MaxShift} is outside [0, 1): it is a fraction of the image side.");
        if (!(ApplyProbability >= 0 && ApplyProbability <= 1))
            throw new ArgumentException($"The apply probability {ApplyProbability} is outside [0, 1].");
        if (!(CutoutFraction >= 0 && CutoutFraction <= 1))
            throw new ArgumentException($"The Cutout fraction {CutoutFraction} is outside [0, 1]: it is a fraction of the image side.");
        if (OpsPerImage < 0) throw new ArgumentException($"Operations per image is {OpsPerImage}: it must be at least 0.");
    }
}
