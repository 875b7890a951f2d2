namespace Spine.Phantom;

/// <summary>Signal and label at a point of one level's slice: the anatomy painted back to front.</summary>
internal static class SliceModel
{
    public readonly record struct Sample(float Signal, byte Label);

    /// <param name="discFraction">How much of the slice's thickness lies within the disc (through-plane partial volume).</param>
    public static Sample At(LevelAnatomy a, double u, double v, double discFraction, float[] s)
    {
        // Background: abdomen in front, retroperitoneal fat beside the vertebra, the back's muscle behind it,
        // subcutaneous fat, then air.
        var signal = v > a.SkinV ? s[(int)Tissue.Air]
            : v > a.SubcutaneousV ? s[(int)Tissue.SubcutaneousFat]
            : v < a.DiscOuter.CentreV - a.DiscOuter.SemiV ? s[(int)Tissue.SoftTissue]
            : v < a.DiscOuter.CentreV + a.DiscOuter.SemiV ? Math.Abs(u) < 75 ? s[(int)Tissue.RetroperitonealFat] : s[(int)Tissue.SoftTissue]
            : s[(int)Tissue.Muscle];
        byte label = Labels.Background;

        for (var m = 0; m < a.Muscles.Count; m++)
        {
            if (a.Muscles[m].Contains(u, v))
            {
                signal = s[(int)Tissue.Muscle];
            }
        }

        for (var m = 0; m < a.Vessels.Count; m++)
        {
            if (a.Vessels[m].Contains(u, v))
            {
                signal = s[(int)Tissue.Vessel];
            }
        }

        if (a.Canal.Contains(u, v))
        {
            (signal, label) = (s[(int)Tissue.EpiduralFat], Labels.CanalAndForamina);
        }

        // Disc, or vertebral body away from the disc's mid-plane, mixed through the slice's thickness.
        var inBody = a.DiscOuter.Contains(u, v) && !(a.DiscConcavity?.Contains(u, v) ?? false);
        var inBulge = a.DiscBulge?.Contains(u, v) ?? false;
        var inHerniation = a.Herniation?.Contains(u, v) ?? false;
        if (inBody || inBulge || inHerniation)
        {
            var discSignal = a.Nucleus.Contains(u, v)
                ? (float)((a.NucleusSignal * s[(int)Tissue.Nucleus]) + ((1 - a.NucleusSignal) * s[(int)Tissue.Annulus]))
                : s[(int)Tissue.Annulus];
            var otherSignal = inBody
                ? a.BodyMarrow.Contains(u, v) ? s[(int)Tissue.Marrow] : s[(int)Tissue.Cortex]
                : signal;
            signal = (float)((discFraction * discSignal) + ((1 - discFraction) * otherSignal));
            label = discFraction >= 0.5 ? Labels.Disc : inBody ? Labels.Background : label;
        }

        if (a.FatPad is { } pad && pad.Contains(u, v))
        {
            (signal, label) = (s[(int)Tissue.EpiduralFat], Labels.CanalAndForamina);
        }

        // The foramina lie beside the disc's posterolateral margin; what narrows them is drawn into their own shape.
        for (var f = 0; f < a.Foramina.Count; f++)
        {
            var foramen = a.Foramina[f];
            if (inHerniation)
            {
                continue; // disc material bulging into the foramen
            }

            if (foramen.Region.Contains(u, v))
            {
                signal = foramen.Root.Contains(u, v) ? s[(int)Tissue.NerveRoot]
                    : foramen.Fat.Contains(u, v) ? s[(int)Tissue.EpiduralFat]
                    : s[(int)Tissue.Fibrous];
                label = Labels.CanalAndForamina;
            }
            else if (foramen.Root.Contains(u, v))
            {
                (signal, label) = (s[(int)Tissue.NerveRoot], Labels.CanalAndForamina);
            }
        }

        for (var f = 0; f < a.Flavum.Count; f++)
        {
            if (a.Flavum[f].Contains(u, v))
            {
                (signal, label) = (s[(int)Tissue.Flavum], Labels.CanalAndForamina);
            }
        }

        for (var f = 0; f < a.Facets.Count; f++)
        {
            var facet = a.Facets[f];
            if (!facet.Near(u, v))
            {
                continue;
            }

            if (facet.Effusion is { } effusion && effusion.Contains(u, v) && !facet.InBone(u, v))
            {
                signal = s[(int)Tissue.Effusion];
            }

            if (facet.InJointSpace(u, v))
            {
                var fluid = !facet.Cartilage || facet.InFluidLine(u, v, 0.15);
                (signal, label) = (s[(int)(fluid ? Tissue.JointFluid : Tissue.Cartilage)], Labels.PosteriorElement);
            }
            else if (facet.InBone(u, v))
            {
                var cyst = false;
                for (var c = 0; c < facet.BoneCysts.Count && !cyst; c++)
                {
                    cyst = facet.BoneCysts[c].Contains(u, v);
                }

                (signal, label) = (cyst ? s[(int)Tissue.JointFluid] : facet.InCortex(u, v) ? s[(int)Tissue.Cortex] : s[(int)Tissue.Marrow], Labels.PosteriorElement);
            }
        }

        for (var b = 0; b <= a.Laminae.Count; b++)
        {
            var bone = b < a.Laminae.Count ? a.Laminae[b] : a.Spinous;
            if (bone.Contains(u, v))
            {
                (signal, label) = ((bone with { Radius = bone.Radius - 1.2 }).Contains(u, v) ? s[(int)Tissue.Marrow] : s[(int)Tissue.Cortex], Labels.PosteriorElement);
            }
        }

        if (a.Cyst is { } synovialCyst && synovialCyst.Contains(u, v))
        {
            (signal, label) = (s[(int)Tissue.JointFluid], Labels.CanalAndForamina);
        }

        if (a.InSac(u, v))
        {
            label = Labels.ThecalSac;
            if (a.Bundled)
            {
                signal = (0.85f * s[(int)Tissue.Rootlet]) + (0.15f * s[(int)Tissue.Csf]); // one bundle, no CSF left
            }
            else
            {
                signal = s[(int)Tissue.Csf];
                for (var r = 0; r < a.Rootlets.Count; r++)
                {
                    if (a.Rootlets[r].Contains(u, v))
                    {
                        signal = s[(int)Tissue.Rootlet];
                        break;
                    }
                }

                for (var f = 0; f < a.FlowVoids.Count; f++)
                {
                    if (a.FlowVoids[f].Contains(u, v))
                    {
                        signal = s[(int)Tissue.Vessel]; // moving CSF loses its signal
                        break;
                    }
                }
            }
        }
        else if (a.RecessCuts.Count > 0 && a.Sac.Contains(u, v) && label == Labels.CanalAndForamina)
        {
            signal = s[(int)Tissue.Flavum]; // the pinched lateral recess: ligament and facet capsule, not CSF
        }

        return new Sample(signal, label);
    }

    /// <summary>Fraction of a slice of <paramref name="thickness"/> centred <paramref name="offset"/> from the disc's mid-plane that lies within the disc.</summary>
    public static double DiscFraction(double offset, double thickness, double discHalfHeight)
    {
        var overlap = Math.Min(offset + (thickness / 2), discHalfHeight) - Math.Max(offset - (thickness / 2), -discHalfHeight);
        return Math.Clamp(overlap / thickness, 0, 1);
    }
}
