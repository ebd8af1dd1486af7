using System.Buffers.Binary;
using System.IO.Compression;
using Workbench.Figures;

namespace Workbench.Tests.Figures;

public class FigureExportTests
{
    static Figure Sample() => Plots.Lines("tests", "sample", "A test figure", "step", "value (units)",
        [new Curve("ours", [1, 2, 3, 4], [1, 3, 2, 4], Band: [0.2, 0.3, 0.2, 0.1]),
            new Curve("baseline", [1, 2, 3, 4], [2, 2, 2, 2], Dash: "dash")])
        .WithSize(640, 400);

    [Fact]
    public void Export_writes_a_real_png_svg_and_offline_html()
    {
        using var temp = new TempFolder();
        var paths = FigureExport.Export(Sample(), temp.Path);
        Assert.Equal(["sample.html", "sample.png", "sample.svg"], paths.Select(Path.GetFileName).Order());

        var png = File.ReadAllBytes(Path.Combine(temp.Path, "tests", "sample.png"));
        var (width, height, inked) = InspectPng(png);
        Assert.Equal((640, 400), (width, height));
        Assert.True(inked > 0.01, $"PNG looks blank: only {inked:P2} of pixels are not white");

        var svg = File.ReadAllText(Path.Combine(temp.Path, "tests", "sample.svg"));
        Assert.StartsWith("<svg", svg);
        Assert.Contains("A test figure", svg);
        Assert.Contains("<path", svg);

        var html = File.ReadAllText(Path.Combine(temp.Path, "tests", "sample.html"));
        Assert.Contains("Plotly.newPlot", html);
        Assert.DoesNotContain("<script src=", html); // plotly.js is embedded, not fetched
        Assert.True(html.Length > 3_000_000, "plotly.js should be embedded");
    }

    [Fact]
    public void Every_builder_renders()
    {
        var panels = new[]
        {
            Plots.Scatter("tests", "scatter", "scatter", "x", "y", [("a", [1.0, 2, 3], [3.0, 1, 2])]),
            Plots.LogLog("tests", "loglog", "log-log", "n", "seconds", [("pav", [10.0, 100, 1000], [1.0, 10, 100])]),
            Plots.Heatmap("tests", "heat", "heat", new double[,] { { 1, 2 }, { 3, 4 } }),
            Plots.Image("tests", "image", "image", new double[28, 28]),
            Plots.GroupedBars("tests", "bars", "bars", "arm", "accuracy", ["a", "b"],
                [new BarGroup("ticket", [0.9, 0.8], [0.01, 0.02]), new BarGroup("reinit", [0.7, 0.6])]),
        };
        var grid = Plots.SmallMultiples("tests", "grid", "small multiples", panels, columns: 3);
        var (width, height, inked) = InspectPng(FigureExport.RenderPng(grid));
        Assert.Equal((grid.Width, grid.Height), (width, height));
        Assert.True(inked > 0.01);
    }

    [Fact]
    public void Log_log_slope_is_fitted_and_shown()
    {
        Assert.Equal(2.0, Plots.FitLogLogSlope([1, 10, 100], [3, 300, 30000]), 9);
        var figure = Plots.LogLog("tests", "s", "", "n", "t", [("pav", [1.0, 10, 100], [1.0, 10, 100])]);
        Assert.Contains("pav (slope 1.00)", figure.ToJson());
    }

    [Fact]
    public void Missing_chromium_gives_the_install_command()
    {
        var previous = Environment.GetEnvironmentVariable("WORKBENCH_CHROMIUM");
        Environment.SetEnvironmentVariable("WORKBENCH_CHROMIUM", "/nonexistent/chromium");
        try
        {
            Assert.Null(FigureExport.FindChromium());
            var e = Assert.Throws<ExportException>(() => FigureExport.RenderPng(Sample()));
            Assert.Contains("sudo apt-get install chromium", e.Message);
            Assert.Contains("WORKBENCH_CHROMIUM", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WORKBENCH_CHROMIUM", previous);
        }
    }

    /// <summary>Decodes an 8-bit RGB(A) PNG enough to get its size and the fraction of non-white pixels.</summary>
    internal static (int Width, int Height, double Inked) InspectPng(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int pos = 8; pos < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var body = png.AsSpan(pos + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                Assert.Equal(8, body[8]); // bit depth
                channels = body[9] switch { 2 => 3, 6 => 4, var c => throw new InvalidDataException($"colour type {c}") };
            }
            if (type == "IDAT") idat.Write(body);
            pos += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var pixels = Unfilter(raw.ToArray(), width, height, channels);
        long inked = 0;
        for (int i = 0; i < pixels.Length; i += channels)
            if (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240) inked++;
        return (width, height, inked / (double)(width * height));
    }

    static byte[] Unfilter(byte[] data, int width, int height, int bpp)
    {
        int stride = width * bpp;
        var output = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = data[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                int raw = data[y * (stride + 1) + 1 + x];
                int a = x >= bpp ? output[y * stride + x - bpp] : 0;
                int b = y > 0 ? output[(y - 1) * stride + x] : 0;
                int c = x >= bpp && y > 0 ? output[(y - 1) * stride + x - bpp] : 0;
                int predictor = filter switch
                {
                    0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"filter {filter}"),
                };
                output[y * stride + x] = (byte)(raw + predictor);
            }
        }
        return output;
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
