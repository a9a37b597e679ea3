namespace SakuraLb.Model;

/// <summary>Version of the relay ↔ function-app messages. Bump on any incompatible change.</summary>
public static class ProtocolVersion
{
    public const int Current = 1;
}
