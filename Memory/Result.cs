namespace MemOS.Memory;

/// <summary>A value or the reason there is none. Memory/'s substitute for exceptions.</summary>
public readonly record struct Result<T>(T Value, MemoryError Error)
{
    public bool Ok => Error == MemoryError.None;

    public static Result<T> Success(T value) => new(value, MemoryError.None);
    public static Result<T> Fail(MemoryError error) => new(default!, error);
}
