namespace Workbench.Data;

/// <summary>The kinds of shape a generated segmentation scene holds.</summary>
public enum ShapeKind
{
    /// <summary>A rotated ellipse: smooth, curved boundary.</summary>
    Ellipse,
    /// <summary>A star polygon with 5–8 spikes: sharp convex and concave corners.</summary>
    Star,
    /// <summary>A union of 2–4 thin rectangular arms from one centre: parts thinner than a coarse cell.</summary>
    ThinArms,
}

/// <summary>
/// One shape on the unit canvas [0, 1]² (x to the right, y downwards), with an exact inside test at any continuous
/// point, so masks at any resolution and point labels are exact rather than rasterised annotations.
/// </summary>
/// <param name="Kind">What kind of shape.</param>
/// <param name="CentreX">Centre x in [0, 1].</param>
/// <param name="CentreY">Centre y in [0, 1].</param>
/// <param name="Size">Outer radius (ellipse: major semi-axis; star: tip radius; arms: arm length), canvas units.</param>
/// <param name="Aspect">Ellipse: minor/major; star: inner/outer radius; arms: half-width/length.</param>
/// <param name="Angle">Rotation in radians.</param>
/// <param name="Count">Star spikes or number of arms (unused by ellipses).</param>
/// <param name="Intensity">Grey level the shape is painted with, in [0, 1].</param>
public sealed record SceneShape(ShapeKind Kind, double CentreX, double CentreY, double Size, double Aspect, double Angle, int Count,
    double Intensity)
{
    // Derived once per shape: Contains runs millions of times per data set (4 × 4 sub-pixel samples per pixel).
    double[]? _frame;
    double[]? _starX, _starY;

    /// <summary>Equality of the shape's parameters (the cached geometry is left out).</summary>
    public bool Equals(SceneShape? other) =>
        other is not null && (Kind, CentreX, CentreY, Size, Aspect, Angle, Count, Intensity)
            == (other.Kind, other.CentreX, other.CentreY, other.Size, other.Aspect, other.Angle, other.Count, other.Intensity);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, CentreX, CentreY, Size, Aspect, Angle, Count, Intensity);

    /// <summary>True when (x, y) lies inside the shape (boundary included).</summary>
    public bool Contains(double x, double y)
    {
        double dx = x - CentreX, dy = y - CentreY;
        var f = _frame ??= Frame();
        if (dx * dx + dy * dy > f[2]) return false; // outside the bounding circle
        double u = f[0] * dx + f[1] * dy, v = -f[1] * dx + f[0] * dy; // coordinates in the shape's own frame
        switch (Kind)
        {
            case ShapeKind.Ellipse:
            {
                double a = Size, b = Size * Aspect;
                return u * u / (a * a) + v * v / (b * b) <= 1;
            }
            case ShapeKind.Star:
                return InsideStar(u, v);
            default:
            {
                double halfWidth = Size * Aspect;
                for (int k = 0; k < Count; k++)
                {
                    double cos = f[3 + 2 * k], sin = f[4 + 2 * k];
                    double along = cos * u + sin * v, across = -sin * u + cos * v;
                    if (along >= -halfWidth && along <= Size && Math.Abs(across) <= halfWidth) return true;
                }
                return false;
            }
        }
    }

    double[] Frame()
    {
        // cos, sin of the rotation, squared bounding radius, then (cos, sin) of each arm's direction. Arm k points along
        // 2πk/Count + 0.35k (the small offset breaks the symmetry).
        double bound = Size * (1 + Aspect) * 1.0001;
        var frame = new double[3 + 2 * Math.Max(Count, 0)];
        frame[0] = Math.Cos(Angle);
        frame[1] = Math.Sin(Angle);
        frame[2] = bound * bound;
        for (int k = 0; k < Count; k++)
        {
            double t = 2 * Math.PI * k / Count + 0.35 * k;
            frame[3 + 2 * k] = Math.Cos(t);
            frame[4 + 2 * k] = Math.Sin(t);
        }
        return frame;
    }

    bool InsideStar(double u, double v)
    {
        // The star is the polygon whose 2·Count vertices alternate between the tip radius and the inner radius; the
        // even-odd crossing rule on those vertices is exact for a simple polygon.
        if (_starX is null)
        {
            int m = 2 * Count;
            var xs = new double[m];
            var ys = new double[m];
            for (int i = 0; i < m; i++)
            {
                double r = i % 2 == 0 ? Size : Size * Aspect, t = Math.PI * i / Count;
                xs[i] = r * Math.Cos(t);
                ys[i] = r * Math.Sin(t);
            }
            _starY = ys;
            _starX = xs;
        }
        var px = _starX;
        var py = _starY!;
        int n = px.Length;
        bool inside = false;
        for (int i = 0, j = n - 1; i < n; j = i++)
            if ((py[i] > v) != (py[j] > v) && u < (px[j] - px[i]) * (v - py[i]) / (py[j] - py[i]) + px[i]) inside = !inside;
        return inside;
    }
}

/// <summary>
/// A generated segmentation scene: shapes painted in order over a smooth background, possibly overlapping. The
/// foreground (binary label) is the union of the shapes; labels are exact at any continuous point.
/// </summary>
public sealed class SegmentationScene
{
    /// <summary>A scene of the given shapes (painted in this order) with a background gradient.</summary>
    /// <exception cref="ArgumentException">No shape: an empty scene has no foreground to segment.</exception>
    public SegmentationScene(IReadOnlyList<SceneShape> shapes, double backgroundLevel, double backgroundSlope, double backgroundAngle)
    {
        if (shapes.Count == 0)
            throw new ArgumentException(
                "A scene needs at least one shape: an empty scene has no foreground to segment.");
        Shapes = shapes;
        BackgroundLevel = backgroundLevel;
        BackgroundSlope = backgroundSlope;
        BackgroundAngle = backgroundAngle;
    }

    /// <summary>The shapes, in painting order (later ones occlude earlier ones in the image).</summary>
    public IReadOnlyList<SceneShape> Shapes { get; }

    /// <summary>Mean background grey level.</summary>
    public double BackgroundLevel { get; }

    /// <summary>Grey-level change across the canvas along <see cref="BackgroundAngle"/>.</summary>
    public double BackgroundSlope { get; }

    /// <summary>Direction of the background gradient, radians.</summary>
    public double BackgroundAngle { get; }

    /// <summary>Exact binary label at a continuous point of [0, 1]²: inside any shape.</summary>
    public bool Label(double x, double y)
    {
        foreach (var shape in Shapes)
            if (shape.Contains(x, y)) return true;
        return false;
    }

    /// <summary>Exact labels at P points given as (x, y) pairs: 1 inside, 0 outside.</summary>
    public float[] Labels(ReadOnlySpan<float> coords)
    {
        var labels = new float[coords.Length / 2];
        for (int p = 0; p < labels.Length; p++) labels[p] = Label(coords[2 * p], coords[2 * p + 1]) ? 1f : 0f;
        return labels;
    }

    /// <summary>
    /// Classes of the semantic labelling: 0 background, then 1 + <see cref="ShapeKind"/> (1 ellipse, 2 star, 3 thin arms).
    /// </summary>
    public const int SemanticClasses = 4;

    /// <summary>
    /// Exact semantic label at a continuous point of [0, 1]²: 1 + the kind of the topmost shape containing it (the last
    /// painted, as in <see cref="Render"/>), 0 outside every shape. Nonzero exactly where <see cref="Label"/> is true.
    /// </summary>
    public int ClassAt(double x, double y)
    {
        for (int k = Shapes.Count - 1; k >= 0; k--)
            if (Shapes[k].Contains(x, y)) return 1 + (int)Shapes[k].Kind;
        return 0;
    }

    /// <summary>Exact semantic labels (<see cref="ClassAt"/>) at P points given as (x, y) pairs.</summary>
    public int[] ClassLabels(ReadOnlySpan<float> coords)
    {
        var labels = new int[coords.Length / 2];
        for (int p = 0; p < labels.Length; p++) labels[p] = ClassAt(coords[2 * p], coords[2 * p + 1]);
        return labels;
    }

    /// <summary>The exact semantic mask at a resolution: <see cref="ClassAt"/> at each pixel centre, row-major, H × W.</summary>
    /// <exception cref="ArgumentException">A side below 1.</exception>
    public int[] ClassMask(int height, int width)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"A mask of {height} × {width} pixels: both sides must be at least 1.");
        var mask = new int[height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++) mask[i * width + j] = ClassAt((j + 0.5) / width, (i + 0.5) / height);
        return mask;
    }

    /// <summary>
    /// The exact mask at a resolution: pixel (i, j) is the label at its centre ((j + 0.5)/W, (i + 0.5)/H), the same
    /// centres the subdivision grid uses. Row-major, H × W.
    /// </summary>
    /// <exception cref="ArgumentException">A side below 1.</exception>
    public bool[] Mask(int height, int width)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"A mask of {height} × {width} pixels: both sides must be at least 1.");
        var mask = new bool[height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++) mask[i * width + j] = Label((j + 0.5) / width, (i + 0.5) / height);
        return mask;
    }

    /// <summary>
    /// The image the network sees, size × size grey levels: each pixel averages 4 × 4 sub-pixel samples of the painted
    /// scene (so boundaries are anti-aliased and carry sub-pixel information), plus Gaussian noise of the given
    /// standard deviation from a seeded generator.
    /// </summary>
    public float[] Render(int size, double noise, Random random)
    {
        const int sub = 4;
        var image = new float[size * size];
        double c = Math.Cos(BackgroundAngle), s = Math.Sin(BackgroundAngle);
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
            {
                double sum = 0;
                for (int a = 0; a < sub; a++)
                    for (int b = 0; b < sub; b++)
                    {
                        double x = (j + (b + 0.5) / sub) / size, y = (i + (a + 0.5) / sub) / size;
                        double value = BackgroundLevel + BackgroundSlope * (c * (x - 0.5) + s * (y - 0.5));
                        for (int k = Shapes.Count - 1; k >= 0; k--)
                            if (Shapes[k].Contains(x, y)) { value = Shapes[k].Intensity; break; }
                        sum += value;
                    }
                image[i * size + j] = (float)(sum / (sub * sub) + noise * Gaussian(random));
            }
        return image;
    }

    static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>
/// Seeded generator of segmentation scenes with thin parts and curved boundaries: 1 to <c>maxShapes</c> shapes per
/// scene, drawn from ellipses, stars and thin-armed polygons, allowed to overlap. The same seed gives the same scenes.
/// </summary>
public static class SceneGenerator
{
    /// <summary>Scene <paramref name="index"/> of the stream seeded by <paramref name="seed"/> (independent of the others).</summary>
    /// <exception cref="ArgumentException"><paramref name="maxShapes"/> below 1.</exception>
    public static SegmentationScene Scene(int seed, int index, int maxShapes = 4)
    {
        if (maxShapes < 1)
            throw new ArgumentException($"max_shapes = {maxShapes}: a scene needs at least one shape.");
        var rng = Runs.Seeds.Rng(seed, $"scene-{index}"); // a stable hash (HashCode is randomised per process)
        int count = 1 + rng.Next(maxShapes);
        var shapes = new List<SceneShape>(count);
        for (int k = 0; k < count; k++)
        {
            var kind = (ShapeKind)rng.Next(3);
            double cx = 0.2 + 0.6 * rng.NextDouble(), cy = 0.2 + 0.6 * rng.NextDouble();
            double angle = Math.PI * rng.NextDouble();
            double intensity = 0.55 + 0.4 * rng.NextDouble();
            shapes.Add(kind switch
            {
                ShapeKind.Ellipse => new SceneShape(kind, cx, cy, 0.1 + 0.15 * rng.NextDouble(), 0.3 + 0.6 * rng.NextDouble(), angle, 0,
                    intensity),
                ShapeKind.Star => new SceneShape(kind, cx, cy, 0.12 + 0.14 * rng.NextDouble(), 0.35 + 0.25 * rng.NextDouble(), angle,
                    5 + rng.Next(4), intensity),
                // Arms 0.15–0.3 long and 1.5–3 % of the canvas wide: thinner than one stride-8 cell at 64 px.
                _ => new SceneShape(kind, cx, cy, 0.15 + 0.15 * rng.NextDouble(), 0.05 + 0.05 * rng.NextDouble(), angle, 2 + rng.Next(3),
                    intensity),
            });
        }
        return new SegmentationScene(shapes, 0.1 + 0.2 * rng.NextDouble(), 0.2 * rng.NextDouble(), 2 * Math.PI * rng.NextDouble());
    }

    /// <summary>Scenes 0 … count − 1 of the stream seeded by <paramref name="seed"/>.</summary>
    public static IReadOnlyList<SegmentationScene> Scenes(int seed, int count, int maxShapes = 4) =>
        [.. Enumerable.Range(0, count).Select(i => Scene(seed, i, maxShapes))];
}
