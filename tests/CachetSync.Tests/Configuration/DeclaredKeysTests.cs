using CachetSync.Configuration;

namespace CachetSync.Tests.Configuration;

/// <summary>
/// A section declares its keys once (the unknown-key check uses them); a reader that asks for another — a typo in
/// its literal — would never see the user's value, silently. That is caught the first time the reader runs (every
/// branch of the reader runs in <see cref="SchemaAgainstReaderTests"/>).
/// </summary>
public sealed class DeclaredKeysTests
{
    [Fact]
    public void A_reader_asking_for_a_key_its_section_never_declared_fails_at_once()
    {
        var node = new ConfigNode(ConfigTree.Parse("""{ "Timeout": "5s" }"""), "Probe", []);
        node.RejectUnknownKeys("Timeout");

        var typo = () => node.Duration("Timeuot");

        typo.Should().Throw<InvalidOperationException>().WithMessage("The reader of \"Probe\" asks for \"Timeuot\", which the section does not declare*");
        node.Duration("Timeout").Should().Be(TimeSpan.FromSeconds(5));
    }
}
