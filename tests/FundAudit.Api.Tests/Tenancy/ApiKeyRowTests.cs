using FundAudit.Api.Features.Tenancy;

namespace FundAudit.Api.Tests.Tenancy;

/// <summary>A key's row, should anything ever print it, shows its public id and nothing of its hash or owner.</summary>
public sealed class ApiKeyRowTests
{
    [Fact]
    public void A_key_row_prints_its_public_id_only()
    {
        var key = new ApiKeyRow
        {
            KeyId = "fa_k_0123",
            KeyHash = "hash-that-must-not-print",
            OwnerName = "Owner Name",
            Label = "label",
        };

        var text = key.ToString();

        Assert.Contains("fa_k_0123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hash-that-must-not-print", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Owner Name", text, StringComparison.Ordinal);
    }
}
