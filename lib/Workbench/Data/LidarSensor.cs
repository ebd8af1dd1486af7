using System.Globalization;

namespace Workbench.Data;

/// <summary>
/// A rotating multi-beam LiDAR: <see cref="Beams"/> lasers at fixed elevations fire <see cref="Columns"/> times per
/// revolution. Uneven spacing imitates the Velodyne HDL-64E of SemanticKITTI, whose upper block of lasers (about the top
/// third of the field of view) is twice as dense as the lower block, so a spherical image with evenly spaced rows gets
/// collisions above and empty rows below.
/// </summary>
/// <param name="Beams">Lasers, 1 … 256.</param>
/// <param name="Columns">Firings per revolution (azimuth resolution 360° / Columns).</param>
/// <param name="FovUpDegrees">Elevation of the top laser, degrees (HDL-64E: about +2).</param>
/// <param name="FovDownDegrees">Elevation of the bottom laser, degrees (HDL-64E: about −24.3).</param>
/// <param name="UnevenBeams">Two blocks: half the lasers in the top 37 % of the field of view, half in the rest.</param>
/// <param name="RangeNoise">Standard deviation of the range noise, metres.</param>
/// <param name="DropProbability">Chance that a return is lost (ray drop), in [0, 1).</param>
/// <param name="EgoSpeed">Forward speed during the sweep, m/s (points are reported in the pose at the end of the sweep,
/// not de-skewed).</param>
/// <param name="MaxRange">Returns beyond this are lost, metres.</param>
/// <param name="MountHeight">Height of the sensor above the ground plane, metres (KITTI: 1.73).</param>
/// <param name="SweepSeconds">Duration of one revolution, seconds (10 Hz: 0.1).</param>
public sealed record LidarSensor(int Beams = 64, int Columns = 2048, double FovUpDegrees = 2.0, double FovDownDegrees = -24.33,
    bool UnevenBeams = true, double RangeNoise = 0.02, double DropProbability = 0.05, double EgoSpeed = 0.0,
    double MaxRange = 80.0, double MountHeight = 1.73, double SweepSeconds = 0.1)
{
    /// <summary>An HDL-64E-like sensor: 64 uneven beams, +2° … −24.33°, 2048 columns.</summary>
    public static LidarSensor Hdl64Like => new();

    /// <summary>Throws one sentence for a sensor that cannot scan.</summary>
    /// <exception cref="ArgumentException">A value out of range.</exception>
    public void Validate()
    {
        if (Beams is < 1 or > 256)
            throw new ArgumentException(Invariant($"Sensor beams = {Beams} is not allowed: it must be in [1, 256]."));
        if (Columns < 1) throw new ArgumentException(Invariant($"Sensor columns = {Columns} is not allowed: it must be at least 1."));
        if (!(FovUpDegrees > FovDownDegrees))
            throw new ArgumentException(Invariant($"Sensor fov_up = {FovUpDegrees}° must be above fov_down = {FovDownDegrees}°."));
        if (!(DropProbability >= 0 && DropProbability < 1))
            throw new ArgumentException(Invariant($"Ray drop probability = {DropProbability} is not allowed: it must be in [0, 1)."));
        if (!(RangeNoise >= 0)) throw new ArgumentException(Invariant($"Range noise = {RangeNoise} m is not allowed: it must be ≥ 0."));
        if (!(MaxRange > 0)) throw new ArgumentException(Invariant($"Max range = {MaxRange} m is not allowed: it must be above 0."));
    }

    /// <summary>Elevation of each laser in degrees, top first (laser 0 is ring 0).</summary>
    public double[] ElevationsDegrees()
    {
        Validate();
        var result = new double[Beams];
        if (Beams == 1) { result[0] = (FovUpDegrees + FovDownDegrees) / 2; return result; }
        double span = FovUpDegrees - FovDownDegrees;
        if (!UnevenBeams || Beams < 4)
        {
            for (int b = 0; b < Beams; b++) result[b] = FovUpDegrees - span * b / (Beams - 1);
            return result;
        }
        int upper = Beams / 2, lower = Beams - upper;
        double split = FovUpDegrees - 0.37 * span; // HDL-64E: upper block +2° … −8.33°, lower −8.83° … −24.33°
        double upperStep = (FovUpDegrees - split) / (upper - 1);
        double lowerTop = split - upperStep * 1.5;
        for (int b = 0; b < upper; b++) result[b] = FovUpDegrees - upperStep * b;
        for (int b = 0; b < lower; b++) result[upper + b] = lowerTop - (lowerTop - FovDownDegrees) * b / Math.Max(1, lower - 1);
        return result;
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
