namespace Spine.Dicom;

/// <summary>A value representation (PS3.5 6.2): two upper-case letters.</summary>
public readonly record struct DicomVR
{
    private DicomVR(char first, char second)
    {
        First = first;
        Second = second;
    }

    public char First { get; }

    public char Second { get; }

    public string Code => new([First, Second]);

    public override string ToString() => Code;

    public static DicomVR From(byte first, byte second) => new((char)first, (char)second);

    public static DicomVR Parse(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.Length == 2 ? new DicomVR(code[0], code[1]) : throw new ArgumentException($"'{code}' is not a two-letter VR.", nameof(code));
    }

    public static readonly DicomVR AE = new('A', 'E');
    public static readonly DicomVR AS = new('A', 'S');
    public static readonly DicomVR AT = new('A', 'T');
    public static readonly DicomVR CS = new('C', 'S');
    public static readonly DicomVR DA = new('D', 'A');
    public static readonly DicomVR DS = new('D', 'S');
    public static readonly DicomVR DT = new('D', 'T');
    public static readonly DicomVR FD = new('F', 'D');
    public static readonly DicomVR FL = new('F', 'L');
    public static readonly DicomVR IS = new('I', 'S');
    public static readonly DicomVR LO = new('L', 'O');
    public static readonly DicomVR LT = new('L', 'T');
    public static readonly DicomVR OB = new('O', 'B');
    public static readonly DicomVR OD = new('O', 'D');
    public static readonly DicomVR OF = new('O', 'F');
    public static readonly DicomVR OL = new('O', 'L');
    public static readonly DicomVR OV = new('O', 'V');
    public static readonly DicomVR OW = new('O', 'W');
    public static readonly DicomVR PN = new('P', 'N');
    public static readonly DicomVR SH = new('S', 'H');
    public static readonly DicomVR SL = new('S', 'L');
    public static readonly DicomVR SQ = new('S', 'Q');
    public static readonly DicomVR SS = new('S', 'S');
    public static readonly DicomVR ST = new('S', 'T');
    public static readonly DicomVR SV = new('S', 'V');
    public static readonly DicomVR TM = new('T', 'M');
    public static readonly DicomVR UC = new('U', 'C');
    public static readonly DicomVR UI = new('U', 'I');
    public static readonly DicomVR UL = new('U', 'L');
    public static readonly DicomVR UN = new('U', 'N');
    public static readonly DicomVR UR = new('U', 'R');
    public static readonly DicomVR US = new('U', 'S');
    public static readonly DicomVR UT = new('U', 'T');
    public static readonly DicomVR UV = new('U', 'V');

    /// <summary>Item and delimiter tags have no VR.</summary>
    public static readonly DicomVR None = new('-', '-');

    private static readonly HashSet<DicomVR> Known =
    [
        AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV,
    ];

    private static readonly HashSet<DicomVR> LongLength = [OB, OD, OF, OL, OV, OW, SQ, UC, UN, UR, UT, SV, UV];

    private static readonly HashSet<DicomVR> Text = [AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR, UT];

    /// <summary>One of the VRs that PS3.5 defines.</summary>
    public bool IsKnown => Known.Contains(this);

    /// <summary>In explicit VR, a 2-byte reserved field and a 4-byte length follow the VR (PS3.5 7.1.2).</summary>
    public bool HasLongLength => LongLength.Contains(this);

    /// <summary>Character data; values are padded to even length with a space (UI with NUL).</summary>
    public bool IsText => Text.Contains(this);

    /// <summary>Text whose value holds one value only (backslash is not a separator).</summary>
    public bool IsSingleValuedText => this == LT || this == ST || this == UT || this == UR;

    /// <summary>Text whose characters may be outside the default repertoire, decoded with the specific character set.</summary>
    public bool UsesCharacterSet => this == LO || this == LT || this == PN || this == SH || this == ST || this == UC || this == UT;

    /// <summary>Size of one binary value, which byte order applies to; 1 for bytes and text.</summary>
    public int UnitSize
    {
        get
        {
            if (this == US || this == SS || this == OW || this == AT)
            {
                return 2;
            }

            if (this == UL || this == SL || this == FL || this == OF || this == OL)
            {
                return 4;
            }

            return this == FD || this == OD || this == SV || this == UV || this == OV ? 8 : 1;
        }
    }
}
