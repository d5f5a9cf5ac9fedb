using System.Net;
using System.Net.Sockets;

namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>
/// A broker that appears where a worker looks for one: a listener on a port nothing listened on before, forwarding each
/// connection to the real broker, byte for byte, until either side closes.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;

    private TcpForwarder(int port, string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public static TcpForwarder Start(int port, string targetHost, int targetPort) => new(port, targetHost, targetPort);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            lock (_pumps)
            {
                _pumps.Add(ForwardAsync(client));
            }
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var target = new TcpClient())
        {
            await target.ConnectAsync(_targetHost, _targetPort, _stopping.Token);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var there = client.GetStream().CopyToAsync(target.GetStream(), done.Token);
            var back = target.GetStream().CopyToAsync(client.GetStream(), done.Token);
            _ = await Task.WhenAny(there, back);
            await done.CancelAsync();
            await Task.WhenAll(there, back).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
