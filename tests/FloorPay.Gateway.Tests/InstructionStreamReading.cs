namespace FloorPay.Gateway.Tests;

/// <summary>Reading an instruction stream as a bank that cares only for instructions: heartbeats are skipped.</summary>
public static class InstructionStreamReading
{
    /// <summary>Moves to the next instruction; false when the stream ends.</summary>
    public static async Task<bool> MoveNextInstruction(this IAsyncStreamReader<InstructionStreamMessage> stream, CancellationToken cancellation = default)
    {
        while (await stream.MoveNext(cancellation))
            if (stream.Current.MessageCase == InstructionStreamMessage.MessageOneofCase.Instruction) return true;
        return false;
    }
}
