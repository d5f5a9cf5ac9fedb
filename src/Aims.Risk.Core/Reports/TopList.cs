namespace Aims.Risk.Core.Reports;

/// <summary>
/// The first <c>capacity</c> items of a stream in a total order, and how many came: a report keeps the risks it lists
/// without holding or sorting the whole register. Items go into a buffer; at twice the capacity it is sorted and cut,
/// and the last item kept becomes the bar that later items must beat, so most items cost one comparison.
/// </summary>
internal sealed class TopList<T>(int capacity, IComparer<T> order)
{
    private readonly List<T> _items = [];
    private bool _full;
    private T? _bar;

    /// <summary>Every item added, kept or not.</summary>
    public int Count { get; private set; }

    public void Add(T item)
    {
        Count++;
        if (capacity == 0 || (_full && order.Compare(item, _bar!) >= 0))
        {
            return;
        }

        _items.Add(item);
        if (capacity < int.MaxValue / 2 && _items.Count >= (2 * capacity) + 16)
        {
            Cut();
        }
    }

    /// <summary>The kept items, in order.</summary>
    public List<T> ToList()
    {
        Cut();
        return [.. _items];
    }

    private void Cut()
    {
        _items.Sort(order);
        if (_items.Count > capacity)
        {
            _items.RemoveRange(capacity, _items.Count - capacity);
        }

        if (_items.Count == capacity && capacity > 0)
        {
            _full = true;
            _bar = _items[^1];
        }
    }
}
