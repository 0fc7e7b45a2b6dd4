namespace CachetSync.Configuration;

/// <summary>
/// An enum value written as its name (any case), the way the configuration and the command line take them: a number
/// is not a name ("1" would otherwise parse, and "7" too, as a value no member has).
/// </summary>
public static class EnumNames
{
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);
}
