using System.Security.Cryptography;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The pages' one stylesheet, embedded in the assembly and served by FundAudit itself under a content hash, so it can
/// be
/// cached for a year and nothing is fetched from another host.
/// </summary>
public static class PageAssets
{
    private static readonly byte[] Stylesheet = Load("site.css");
    private static readonly string StylesheetHash = Convert.ToHexStringLower(SHA256.HashData(Stylesheet))[..16];

    /// <summary>The stylesheet's address, with its hash: a changed file gets a new address.</summary>
    public static string StylesheetUrl { get; } = $"/assets/site.{StylesheetHash}.css";

    /// <summary>Size of the stylesheet in bytes (counted in each page's weight by the tests).</summary>
    public static int StylesheetBytes => Stylesheet.Length;

    internal static IResult GetStylesheet(string hash, HttpContext http)
    {
        if (hash != StylesheetHash)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Bytes(Stylesheet, "text/css; charset=utf-8");
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream("FundAudit.Api.Pages.Assets." + name)
            ?? throw new InvalidOperationException($"The embedded asset {name} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
