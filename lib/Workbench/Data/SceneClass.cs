namespace Workbench.Data;

/// <summary>
/// The semantic classes of the simulated street scenes, as "learning" labels (0 = unlabeled, ignored by losses and
/// metrics). <see cref="SemanticKitti.ToRawLabel"/> / <see cref="SemanticKitti.FromRawLabel"/> map them to and from
/// SemanticKITTI's raw label ids (road 40, sidewalk 48, building 50, car 10, pole 80, trunk 71, vegetation 70, person 30).
/// </summary>
public enum SceneClass
{
    /// <summary>No label (empty pixels, unknown raw ids); never predicted or scored.</summary>
    Unlabeled = 0,
    /// <summary>Road surface.</summary>
    Road = 1,
    /// <summary>Sidewalk (and any ground off the road).</summary>
    Sidewalk = 2,
    /// <summary>Building facades.</summary>
    Building = 3,
    /// <summary>Cars, parked or driving.</summary>
    Car = 4,
    /// <summary>Thin poles (lamps, signs).</summary>
    Pole = 5,
    /// <summary>Tree trunks.</summary>
    Trunk = 6,
    /// <summary>Tree crowns and bushes.</summary>
    Vegetation = 7,
    /// <summary>Pedestrians.</summary>
    Person = 8,
}
