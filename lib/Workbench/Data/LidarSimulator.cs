using Workbench.Runs;

namespace Workbench.Data;

/// <summary>
/// Seeded LiDAR simulation: a <see cref="LidarSensor"/> ray-cast against a <see cref="StreetScene"/>. Each firing
/// (laser b, column c) shoots at elevation θ_b and azimuth φ_c = 2π c / Columns + φ₀ (φ₀ random per scan), from the
/// sensor's position at time t_c = c / Columns · sweep (it moves forward at the ego speed); the hit is reported in the
/// sensor pose at the end of the sweep, like a scan that was not de-skewed. Range noise is Gaussian; a return is
/// dropped with the drop probability, when it misses everything (sky) or beyond the maximum range. Remission is a
/// per-class reflectivity times (0.5 + 0.5 |cos incidence|) plus noise. Parallel over lasers, bit-identical per seed.
/// </summary>
public static class LidarSimulator
{
    static readonly double[] Reflectivity = [0, 0.22, 0.32, 0.28, 0.62, 0.45, 0.18, 0.40, 0.30];

    /// <summary>Simulates one sweep of a fresh scene drawn from <paramref name="seed"/>.</summary>
    public static LidarScan Simulate(LidarSensor sensor, int seed) => Simulate(sensor, StreetScene.Generate(seed), seed);

    /// <summary>Simulates one sweep of the sensor in a given scene.</summary>
    /// <exception cref="ArgumentException">A sensor value out of range (one sentence).</exception>
    public static LidarScan Simulate(LidarSensor sensor, StreetScene scene, int seed)
    {
        sensor.Validate();
        var elevations = sensor.ElevationsDegrees();
        double phase = new Random(seed ^ 0x5bd1e995).NextDouble() * 2 * Math.PI;
        double travel = sensor.EgoSpeed * sensor.SweepSeconds;
        double cosYaw = Math.Cos(scene.RoadYaw), sinYaw = Math.Sin(scene.RoadYaw);
        var perBeam = new List<(float X, float Y, float Z, float Remission, int Label)>[sensor.Beams];
        Parallel.For(0, sensor.Beams, beam =>
        {
            // Seeds.Derive is stable across processes (HashCode.Combine is randomised per process, which made scans differ per run).
            var rng = Seeds.Rng(seed, $"lidar-beam-{beam}");
            var points = new List<(float, float, float, float, int)>(sensor.Columns);
            double el = elevations[beam] * Math.PI / 180, cosEl = Math.Cos(el), sinEl = Math.Sin(el);
            for (int c = 0; c < sensor.Columns; c++)
            {
                double fraction = (double)c / sensor.Columns;
                double az = phase + 2 * Math.PI * fraction;
                // Sensor frame: ray direction and origin (moving along +x); the hit is reported relative to the final pose.
                double sx = cosEl * Math.Cos(az), sy = cosEl * Math.Sin(az), sz = sinEl;
                double originX = travel * (fraction - 1);
                // To the road frame: rotate by the road yaw, shift by the sensor's lateral offset and mount height.
                var origin = (cosYaw * originX, sinYaw * originX + scene.SensorOffset, sensor.MountHeight);
                var direction = (cosYaw * sx - sinYaw * sy, sinYaw * sx + cosYaw * sy, sz);
                var (distance, label, incidence) = scene.Cast(origin, direction, sensor.MaxRange);
                double drop = rng.NextDouble(), noise = Gaussian(rng), remissionNoise = Gaussian(rng);
                if (label == SceneClass.Unlabeled || drop < sensor.DropProbability) continue;
                double r = distance + sensor.RangeNoise * noise;
                if (r <= 0.5 || r >= sensor.MaxRange) continue;
                double remission = Math.Clamp(Reflectivity[(int)label] * (0.5 + 0.5 * incidence) + 0.03 * remissionNoise, 0, 1);
                points.Add(((float)(originX + r * sx), (float)(r * sy), (float)(r * sz), (float)remission, (int)label));
            }
            perBeam[beam] = points;
        });
        int n = perBeam.Sum(p => p.Count);
        float[] x = new float[n], y = new float[n], z = new float[n], rem = new float[n];
        int[] labels = new int[n], rings = new int[n];
        int i = 0;
        for (int beam = 0; beam < sensor.Beams; beam++)
            foreach (var p in perBeam[beam])
            {
                (x[i], y[i], z[i], rem[i], labels[i], rings[i]) = (p.X, p.Y, p.Z, p.Remission, p.Label, beam);
                i++;
            }
        return new LidarScan(x, y, z, rem, labels, rings);
    }

    static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
