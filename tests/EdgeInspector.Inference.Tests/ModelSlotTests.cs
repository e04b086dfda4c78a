namespace EdgeInspector.Inference.Tests;

public sealed class ModelSlotTests
{
    [Fact]
    public void TakeOver_without_a_staged_runner_keeps_the_current_one()
    {
        var initial = Models.LoadBaseline();
        using var slot = new ModelSlot(initial);
        int swaps = 0;
        slot.Swapped += _ => swaps++;

        Assert.Same(initial, slot.TakeOver());
        Assert.Same(initial, slot.Current);
        Assert.Equal(0, swaps);
        Assert.False(Models.IsDisposed(initial));
    }

    [Fact]
    public void Stage_then_TakeOver_swaps_disposes_the_old_runner_and_raises_Swapped()
    {
        var initial = Models.LoadBaseline();
        var next = Models.LoadBaseline();
        using var slot = new ModelSlot(initial);
        var swapped = new List<ModelRunner>();
        slot.Swapped += swapped.Add;

        slot.Stage(next);
        // Staging alone changes nothing for the stage that is running.
        Assert.Same(initial, slot.Current);
        Assert.False(Models.IsDisposed(initial));

        var taken = slot.TakeOver();

        Assert.Same(next, taken);
        Assert.Same(next, slot.Current);
        Assert.True(Models.IsDisposed(initial));
        Assert.False(Models.IsDisposed(next));
        Assert.Equal([next], swapped);
        // The new runner works.
        next.Run(new byte[next.InputLength]);

        // The swap happens once.
        Assert.Same(next, slot.TakeOver());
        Assert.Single(swapped);
    }

    [Fact]
    public void Staging_twice_disposes_the_runner_that_was_never_taken()
    {
        var initial = Models.LoadBaseline();
        var first = Models.LoadBaseline();
        var second = Models.LoadBaseline();
        using var slot = new ModelSlot(initial);

        slot.Stage(first);
        slot.Stage(second);

        Assert.True(Models.IsDisposed(first));
        Assert.False(Models.IsDisposed(second));
        Assert.False(Models.IsDisposed(initial));
        Assert.Same(second, slot.TakeOver());
        Assert.True(Models.IsDisposed(initial));
    }

    [Fact]
    public void Dispose_releases_current_and_staged_runners()
    {
        var initial = Models.LoadBaseline();
        var staged = Models.LoadBaseline();
        var slot = new ModelSlot(initial);
        slot.Stage(staged);

        slot.Dispose();

        Assert.True(Models.IsDisposed(initial));
        Assert.True(Models.IsDisposed(staged));
        Assert.Throws<ObjectDisposedException>(() => slot.Current);
        slot.Dispose();
    }
}
