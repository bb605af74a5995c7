namespace PlugFixtures.Targets;

/// <summary>Instance methods, a property getter and a constructor, plugged with 'this' as the first
/// parameter.</summary>
public sealed class Counter
{
    private int _count;

    public Counter(int start) => Start = start;

    public int Start { get; set; }

    public int Count => _count;

    public int Increment(int by) => _count += by;

    public string Name() => "original";
}
