using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// Enforces a body size limit on every server (Kestrel and the test host alike): the endpoint's
/// <see cref="IRequestSizeLimitMetadata"/>, else Limits:MaxJsonBodyBytes. A declared Content-Length over the
/// limit is refused before reading (unless the endpoint answers it itself: <see cref="AnswersOversizedBody"/>); a
/// chunked body is cut off as soon as it passes the limit. The limit is kept for the 413's problem
/// (<see cref="BodyLimits"/>).
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<HttpLimitsOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        var limit = metadata?.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? options.Value.MaxJsonBodyBytes;
        context.Items[BodyLimits.LimitItem] = limit;
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit && metadata?.GetMetadata<AnswersOversizedBody>() is null)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Request.ContentLength is null && context.Request.Body.CanRead)
        {
            context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        }

        await next(context);
    }

    /// <summary>The body cut off (413) as soon as more than <paramref name="limit"/> bytes are read.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : CountingReadStream(inner)
    {
        protected override void OnRead(int read)
        {
            if (BytesRead > limit)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }
        }
    }
}
