using Workbench.Data;

namespace Workbench.Tests.Data;

public class SegmentationScenesTests
{
    [Fact]
    public void The_same_seed_gives_the_same_scenes_and_images()
    {
        var a = SceneGenerator.Scene(7, 3);
        var b = SceneGenerator.Scene(7, 3);
        Assert.Equal(a.Shapes, b.Shapes);
        Assert.Equal(a.Render(32, 0.05, new Random(1)), b.Render(32, 0.05, new Random(1)));
        Assert.NotEqual(a.Shapes, SceneGenerator.Scene(8, 3).Shapes);
    }

    [Fact]
    public void Scenes_hold_every_kind_thin_parts_and_overlapping_instances()
    {
        var scenes = SceneGenerator.Scenes(0, 200);
        var kinds = scenes.SelectMany(s => s.Shapes).Select(s => s.Kind).Distinct().ToList();
        Assert.Equal(3, kinds.Count);
        // Thin: arm widths below one stride-8 cell of a 64 px image (1/8 of the canvas).
        Assert.Contains(scenes.SelectMany(s => s.Shapes), s => s.Kind == ShapeKind.ThinArms && 2 * s.Size * s.Aspect < 1.0 / 8);
        // Overlap: some scene has a point inside two shapes.
        var grid = Enumerable.Range(0, 64).SelectMany(i => Enumerable.Range(0, 64).Select(j => ((j + 0.5) / 64, (i + 0.5) / 64))).ToList();
        Assert.Contains(scenes, s => grid.Any(p => s.Shapes.Count(shape => shape.Contains(p.Item1, p.Item2)) >= 2));
    }

    [Fact]
    public void Masks_at_any_resolution_are_the_exact_labels_at_pixel_centres()
    {
        var scene = SceneGenerator.Scene(1, 0);
        foreach (var (h, w) in new[] { (8, 8), (64, 48), (256, 256) })
        {
            var mask = scene.Mask(h, w);
            for (int k = 0; k < mask.Length; k += 7)
                Assert.Equal(scene.Label((k % w + 0.5) / w, (k / w + 0.5) / h), mask[k]);
        }
        Assert.Equal(new float[] { scene.Label(0.3, 0.6) ? 1f : 0f }, scene.Labels([0.3f, 0.6f]));
    }

    [Fact]
    public void A_star_is_exact_at_its_tips_and_notches()
    {
        var star = new SceneShape(ShapeKind.Star, 0.5, 0.5, 0.2, 0.5, 0, 5, 1);
        Assert.True(star.Contains(0.5 + 0.199, 0.5));   // just inside the tip at angle 0
        Assert.False(star.Contains(0.5 + 0.201, 0.5));
        double notch = Math.PI / 5;                       // the inner vertex at radius 0.1
        Assert.True(star.Contains(0.5 + 0.099 * Math.Cos(notch), 0.5 + 0.099 * Math.Sin(notch)));
        Assert.False(star.Contains(0.5 + 0.101 * Math.Cos(notch), 0.5 + 0.101 * Math.Sin(notch)));
    }

    [Fact]
    public void Semantic_labels_are_the_kind_of_the_topmost_shape_and_zero_outside()
    {
        // An ellipse under a star at the same centre: the star (painted last) wins where both cover the point.
        var ellipse = new SceneShape(ShapeKind.Ellipse, 0.5, 0.5, 0.3, 0.8, 0, 0, 0.6);
        var star = new SceneShape(ShapeKind.Star, 0.5, 0.5, 0.2, 0.5, 0, 5, 0.9);
        var scene = new SegmentationScene([ellipse, star], 0.2, 0, 0);
        Assert.Equal(1 + (int)ShapeKind.Star, scene.ClassAt(0.5, 0.5));
        Assert.Equal(1 + (int)ShapeKind.Ellipse, scene.ClassAt(0.75, 0.5)); // inside the ellipse, beyond the star's tip
        Assert.Equal(0, scene.ClassAt(0.02, 0.02));
        // On generated scenes: nonzero exactly where the binary label is true, and the mask is ClassAt at pixel centres.
        var generated = SceneGenerator.Scene(5, 2);
        var classes = generated.ClassMask(40, 24);
        var binary = generated.Mask(40, 24);
        for (int k = 0; k < classes.Length; k++)
        {
            Assert.Equal(binary[k], classes[k] != 0);
            Assert.Equal(generated.ClassAt((k % 24 + 0.5) / 24, (k / 24 + 0.5) / 40), classes[k]);
            Assert.InRange(classes[k], 0, SegmentationScene.SemanticClasses - 1);
        }
        Assert.Equal([generated.ClassAt(0.3, 0.6)], generated.ClassLabels([0.3f, 0.6f]));
    }

    [Fact]
    public void An_empty_scene_is_one_sentence()
    {
        var e = Assert.Throws<ArgumentException>(() => new SegmentationScene([], 0.2, 0, 0));
        Assert.Equal("A scene needs at least one shape: an empty scene has no foreground to segment.", e.Message);
    }
}
