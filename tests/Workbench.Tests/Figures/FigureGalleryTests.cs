using System.Buffers.Binary;
using Workbench.Figures;
using Workbench.Tests.Cli;

namespace Workbench.Tests.Figures;

/// <summary>Issue #11 items 3 and 4: export options from the CLI, and the offline gallery.</summary>
public class FigureGalleryTests
{
    [Fact]
    public void Figures_export_as_retina_png_editable_svg_and_vector_pdf_and_the_gallery_shows_them_offline()
    {
        using var temp = new TempFolder();
        var (code, output) = CliProcess.Run(new Dictionary<string, string>(),
            "figures", "tour", "--preset", "smoke", "--runs", TestPaths.SmokeRuns, "--out", temp.Path,
            "--format", "png,svg,pdf", "--width", "600", "--scale", "2");
        Assert.True(code == 0, output);

        string png = Path.Combine(temp.Path, "tour", "test-accuracy.png");
        var header = File.ReadAllBytes(png).AsSpan(16, 8); // IHDR width and height, big-endian
        Assert.Equal(1200, BinaryPrimitives.ReadInt32BigEndian(header)); // 600 px wide at scale 2
        string svg = File.ReadAllText(Path.ChangeExtension(png, ".svg"));
        Assert.Contains("<text", svg); // labels are text a presenter can edit
        Assert.Contains("SGD step", svg);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(Path.ChangeExtension(png, ".pdf")), 0, 4));
        Assert.False(File.Exists(Path.ChangeExtension(png, ".html")));

        string gallery = FigureGallery.Write(temp.Path, [("tour", "Workbench tour")]);
        string html = File.ReadAllText(gallery);
        Assert.Contains("preset smoke", html); // captions
        Assert.DoesNotContain("http", html.Replace("http-equiv", "")); // nothing from the network
        var figures = FigureExport.InspectOffline(gallery, "figure", TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, figures.Count);
        Assert.All(figures, f =>
        {
            Assert.True(f.ImagesLoaded, "an image of the gallery did not load");
            Assert.True(f.Ink > 0.02, $"a gallery figure is blank ({f.Ink:P1} drawn)");
        });
    }

    [Theory]
    [InlineData(new[] { "--format", "gif" }, "--format 'gif' is not a figure format; formats: png, svg, pdf, html.")]
    [InlineData(new[] { "--scale", "9" }, "--scale 9 is outside 0.5 to 4.")]
    [InlineData(new[] { "--width", "50" }, "--width 50 is outside 200 to 8000 pixels.")]
    public void Bad_export_options_are_one_sentence(string[] options, string message)
    {
        var (code, output) = CliProcess.Run(new Dictionary<string, string>(), ["figures", "tour", .. options]);
        Assert.Equal(2, code);
        Assert.Contains(message, output.ReplaceLineEndings(" "));
    }
}
