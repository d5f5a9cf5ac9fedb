using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Aims.Risk.Worker.Intake;

/// <summary>What every intake endpoint does with a request before its platform's rules: the key, the body within bounds.</summary>
internal static class IntakeRequest
{
    public const string KeyHeaderName = "x-api-key";
    public const string KeyQueryParameter = "code";

    /// <summary>An answer with a reason and nothing else (no stack trace, no internals).</summary>
    public static IResult Error(int status, string reason) => Results.Json(new { status, error = reason }, statusCode: status);

    /// <summary>Null when the key in <c>x-api-key</c> or <c>?code=</c> is the configured one, otherwise the 401.</summary>
    public static IResult? CheckKey(HttpContext context, string key)
    {
        var given = context.Request.Headers[KeyHeaderName].FirstOrDefault() ?? context.Request.Query[KeyQueryParameter].FirstOrDefault();
        if (string.IsNullOrEmpty(given))
        {
            return Error(StatusCodes.Status401Unauthorized, $"the key is missing: send it in the {KeyHeaderName} header or the {KeyQueryParameter} query parameter");
        }

        // Hashes first: FixedTimeEquals compares equal lengths, and the key's length must not leak either.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)))
            ? null
            : Error(StatusCodes.Status401Unauthorized, "the key is wrong");
    }

    /// <summary>
    /// The body, at most <see cref="IntakeOptions.MaxBodyBytes"/> (413 above) and read within
    /// <see cref="IntakeOptions.BodyTimeout"/> (408 after; Kestrel's minimum data rate cuts a trickle earlier).
    /// </summary>
    public static async Task<(byte[]? Body, IResult? Error)> ReadBodyAsync(HttpContext context, IntakeOptions options, TimeProvider clock)
    {
        if (context.Request.ContentLength > options.MaxBodyBytes)
        {
            return (null, TooLarge(options));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBodyBytes;
        }

        using var timeout = new CancellationTokenSource(options.BodyTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, linked.Token)) > 0)
            {
                if (buffer.Length + read > options.MaxBodyBytes)
                {
                    return (null, TooLarge(options));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (null, Error(StatusCodes.Status408RequestTimeout, $"the body was not received within {options.BodyTimeout.TotalSeconds} s"));
        }
        catch (BadHttpRequestException ex)
        {
            return (null, Error(ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"the body is larger than {options.MaxBodyBytes} bytes"
                : "the body could not be read (sent too slowly, or cut off)"));
        }

        return (buffer.ToArray(), null);
    }

    private static IResult TooLarge(IntakeOptions options) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {options.MaxBodyBytes} bytes (Intake:MaxBodyBytes)");
}
