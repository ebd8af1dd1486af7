namespace Workbench.Data;

/// <summary>
/// A procedural street, built in a road frame (x along the road, y to the left, z up, ground at z = 0): a road and
/// sidewalks on the ground plane, box buildings along both sides with gaps, box cars on the road and parked at its
/// edge, cylinder poles, trees (a cylinder trunk under an ellipsoid crown), ellipsoid bushes and cylinder persons.
/// Seeded: the same seed gives the same scene.
/// </summary>
public sealed class StreetScene
{
    enum Shape { Box, Cylinder, Ellipsoid }

    readonly record struct Solid(Shape Shape, SceneClass Class, double X0, double Y0, double Z0, double X1, double Y1, double Z1);

    readonly List<Solid> _solids = [];

    /// <summary>Half the road's width, metres.</summary>
    public double RoadHalfWidth { get; }

    /// <summary>The sensor's position across the road (its y in the road frame), metres.</summary>
    public double SensorOffset { get; }

    /// <summary>The road's direction in the sensor frame, radians (the sensor's heading relative to the road, negated).</summary>
    public double RoadYaw { get; }

    /// <summary>Objects in the scene (ground excluded).</summary>
    public int Objects => _solids.Count;

    StreetScene(double roadHalfWidth, double sensorOffset, double roadYaw)
    {
        RoadHalfWidth = roadHalfWidth;
        SensorOffset = sensorOffset;
        RoadYaw = roadYaw;
    }

    /// <summary>A random street around the sensor (sensor at road-frame x = 0, on the road).</summary>
    public static StreetScene Generate(int seed, double extent = 80)
    {
        var rng = new Random(seed);
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        double road = U(3.0, 5.5), sidewalk = U(2.0, 4.0);
        var scene = new StreetScene(road, U(-road / 2, road / 2), U(-0.35, 0.35));
        foreach (int side in new[] { -1, 1 })
        {
            // Buildings: a row of boxes with gaps, set back behind the sidewalk.
            for (double x = -extent + U(-5, 5); x < extent;)
            {
                double length = U(6, 22), front = road + sidewalk + U(0, 2.5), depth = U(6, 14);
                scene.Box(SceneClass.Building, x, x + length, side, front, front + depth, 0, U(4, 16));
                x += length + (rng.NextDouble() < 0.45 ? U(2, 10) : 0.3);
            }
            for (double x = -extent + U(0, 20); x < extent; x += U(12, 30))
                scene.Cylinder(SceneClass.Pole, x, side * (road + 0.4), U(0.08, 0.15), 0, U(4, 8));
            for (double x = -extent + U(0, 12); x < extent; x += U(7, 18))
            {
                double tx = x, ty = side * (road + sidewalk * U(0.5, 0.8)), top = U(1.8, 3.5), crown = U(1.3, 2.8);
                scene.Cylinder(SceneClass.Trunk, tx, ty, U(0.12, 0.3), 0, top + crown * 0.3);
                scene.Ellipsoid(SceneClass.Vegetation, tx, ty, top + crown * 0.8, crown, crown * U(0.7, 1.0));
            }
            for (int b = rng.Next(2, 7); b > 0; b--)
                scene.Ellipsoid(SceneClass.Vegetation, U(-extent, extent), side * (road + sidewalk + U(0.3, 1.2)), 0.3, U(0.6, 1.4),
                    U(0.6, 1.1));
            for (double x = -extent + U(0, 10); x < extent; x += U(5.5, 16)) // parked cars
                if (rng.NextDouble() < 0.6 && (Math.Abs(x) > 4 || Math.Abs(side * (road - 1.1) - scene.SensorOffset) > 2.2))
                    scene.Car(x, side * (road - 1.1), U(1.4, 1.7), rng);
        }
        for (int c = rng.Next(3, 9); c > 0; c--) // moving traffic in both lanes, never on the sensor
        {
            double lane = (rng.NextDouble() < 0.5 ? -1 : 1) * road / 2, x = U(-extent * 0.6, extent * 0.6);
            if (Math.Abs(x) < 6 && Math.Abs(lane - scene.SensorOffset) < 2.5) continue;
            scene.Car(x, lane, U(1.4, 1.8), rng);
        }
        for (int p = rng.Next(3, 10); p > 0; p--)
        {
            int side = rng.NextDouble() < 0.5 ? -1 : 1;
            double x = U(-40, 40), y = rng.NextDouble() < 0.2 ? U(-road, road) : side * (road + U(0.3, sidewalk - 0.3));
            if (Math.Abs(x) < 2 && Math.Abs(y - scene.SensorOffset) < 1.5) continue;
            scene.Cylinder(SceneClass.Person, x, y, U(0.2, 0.3), 0, U(1.55, 1.95));
        }
        return scene;
    }

    void Box(SceneClass c, double x0, double x1, int side, double near, double far, double z0, double z1) =>
        _solids.Add(new Solid(Shape.Box, c, x0, side > 0 ? near : -far, z0, x1, side > 0 ? far : -near, z1));

    void Box(SceneClass c, double x0, double x1, double y0, double y1, double z0, double z1) =>
        _solids.Add(new Solid(Shape.Box, c, x0, y0, z0, x1, y1, z1));

    void Car(double x, double y, double height, Random rng)
    {
        double length = 3.8 + 1.0 * rng.NextDouble(), width = 1.7 + 0.2 * rng.NextDouble();
        Box(SceneClass.Car, x - length / 2, x + length / 2, y - width / 2, y + width / 2, 0.2, height);
    }

    void Cylinder(SceneClass c, double x, double y, double radius, double z0, double z1) =>
        _solids.Add(new Solid(Shape.Cylinder, c, x, y, z0, radius, 0, z1));

    void Ellipsoid(SceneClass c, double x, double y, double z, double radius, double verticalRadius) =>
        _solids.Add(new Solid(Shape.Ellipsoid, c, x, y, z, radius, verticalRadius, 0));

    /// <summary>
    /// The first surface a ray from <paramref name="origin"/> along the unit <paramref name="direction"/> (road frame)
    /// hits within <paramref name="maxRange"/>: distance, class and |cos| of the incidence angle; class Unlabeled when
    /// nothing is hit (sky).
    /// </summary>
    public (double Distance, SceneClass Class, double Incidence) Cast((double X, double Y, double Z) origin,
        (double X, double Y, double Z) direction, double maxRange)
    {
        double best = maxRange;
        SceneClass hit = SceneClass.Unlabeled;
        double incidence = 1;
        var (ox, oy, oz) = origin;
        var (dx, dy, dz) = direction;
        if (dz < -1e-9)
        {
            double t = -oz / dz;
            if (t > 0 && t < best)
            {
                best = t;
                hit = Math.Abs(oy + t * dy) < RoadHalfWidth ? SceneClass.Road : SceneClass.Sidewalk;
                incidence = -dz;
            }
        }
        foreach (var s in _solids)
        {
            double t, cos;
            switch (s.Shape)
            {
                case Shape.Box:
                    (t, cos) = HitBox(s, ox, oy, oz, dx, dy, dz);
                    break;
                case Shape.Cylinder:
                    (t, cos) = HitCylinder(s, ox, oy, oz, dx, dy, dz);
                    break;
                default:
                    (t, cos) = HitEllipsoid(s, ox, oy, oz, dx, dy, dz);
                    break;
            }
            if (t > 0 && t < best) { best = t; hit = s.Class; incidence = cos; }
        }
        return (best, hit, incidence);
    }

    static (double T, double Cos) HitBox(Solid s, double ox, double oy, double oz, double dx, double dy, double dz)
    {
        double tNear = double.NegativeInfinity, tFar = double.PositiveInfinity, cos = 1;
        if (!Slab(ox, dx, s.X0, s.X1, ref tNear, ref tFar, ref cos)) return (-1, 0);
        if (!Slab(oy, dy, s.Y0, s.Y1, ref tNear, ref tFar, ref cos)) return (-1, 0);
        if (!Slab(oz, dz, s.Z0, s.Z1, ref tNear, ref tFar, ref cos)) return (-1, 0);
        return tNear > 0 ? (tNear, cos) : (-1, 0);
    }

    static bool Slab(double o, double d, double lo, double hi, ref double tNear, ref double tFar, ref double cos)
    {
        if (Math.Abs(d) < 1e-12) return o >= lo && o <= hi;
        double t0 = (lo - o) / d, t1 = (hi - o) / d;
        if (t0 > t1) (t0, t1) = (t1, t0);
        if (t0 > tNear) { tNear = t0; cos = Math.Abs(d); }
        tFar = Math.Min(tFar, t1);
        return tNear <= tFar;
    }

    static (double T, double Cos) HitCylinder(Solid s, double ox, double oy, double oz, double dx, double dy, double dz)
    {
        double px = ox - s.X0, py = oy - s.Y0, r = s.X1;
        double a = dx * dx + dy * dy, b = 2 * (px * dx + py * dy), c = px * px + py * py - r * r;
        double best = -1, cos = 0;
        if (a > 1e-12)
        {
            double disc = b * b - 4 * a * c;
            if (disc >= 0)
            {
                double t = (-b - Math.Sqrt(disc)) / (2 * a);
                double z = oz + t * dz;
                if (t > 0 && z >= s.Z0 && z <= s.Z1)
                {
                    best = t;
                    double nx = (px + t * dx) / r, ny = (py + t * dy) / r;
                    cos = Math.Abs(nx * dx + ny * dy);
                }
            }
        }
        if (Math.Abs(dz) > 1e-12) // the top cap
        {
            double t = (s.Z1 - oz) / dz, hx = px + t * dx, hy = py + t * dy;
            if (t > 0 && (best < 0 || t < best) && hx * hx + hy * hy <= r * r) { best = t; cos = Math.Abs(dz); }
        }
        return (best, cos);
    }

    static (double T, double Cos) HitEllipsoid(Solid s, double ox, double oy, double oz, double dx, double dy, double dz)
    {
        double rh = s.X1, rv = s.Y1;
        double px = (ox - s.X0) / rh, py = (oy - s.Y0) / rh, pz = (oz - s.Z0) / rv;
        double ex = dx / rh, ey = dy / rh, ez = dz / rv;
        double a = ex * ex + ey * ey + ez * ez, b = 2 * (px * ex + py * ey + pz * ez), c = px * px + py * py + pz * pz - 1;
        double disc = b * b - 4 * a * c;
        if (disc < 0) return (-1, 0);
        double t = (-b - Math.Sqrt(disc)) / (2 * a);
        if (t <= 0) return (-1, 0);
        double nx = (px + t * ex) / rh, ny = (py + t * ey) / rh, nz = (pz + t * ez) / rv, norm = Math.Sqrt(nx * nx + ny * ny + nz * nz);
        return (t, Math.Abs(nx * dx + ny * dy + nz * dz) / norm);
    }
}
