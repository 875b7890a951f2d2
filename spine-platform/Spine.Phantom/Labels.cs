namespace Spine.Phantom;

/// <summary>The axial lumbar label scheme of Natalia/Sudirman et al., as DESIGN.md fixes it.</summary>
public static class Labels
{
    public const byte Background = 0;
    public const byte Disc = 1;
    public const byte PosteriorElement = 2;
    public const byte ThecalSac = 3;

    /// <summary>The area between the anterior and posterior elements: canal and foramina, outside the thecal sac.</summary>
    public const byte CanalAndForamina = 4;

    public static IReadOnlyDictionary<string, int> Names { get; } = new Dictionary<string, int>
    {
        ["background"] = Background,
        ["intervertebral_disc"] = Disc,
        ["posterior_element"] = PosteriorElement,
        ["thecal_sac"] = ThecalSac,
        ["canal_and_foramina"] = CanalAndForamina,
    };
}
