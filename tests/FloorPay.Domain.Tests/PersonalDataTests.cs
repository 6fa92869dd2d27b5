namespace FloorPay.Domain.Tests;

public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("850101123456")]          // a national id number
    [InlineData("123-45-6789")]           // a social security number
    [InlineData("+44.20.7946.0958")]      // a phone number
    [InlineData("4111111111111111")]      // a card number
    [InlineData("DE89370400440532013000")] // an IBAN
    [InlineData("gb82west12345698765432")] // an IBAN in lower case
    public void Ids_shaped_like_personal_data_are_recognized(string id) => Assert.NotNull(PersonalData.InIdentifier(id));

    [Theory]
    [InlineData("c-3f2a9123456789ab0c1d2e3f40516273")]
    [InlineData("tok-123456789")]
    [InlineData("lt-20261128-17")]
    [InlineData("R-NORTH")]
    [InlineData("12345")]
    [InlineData("DE89370400440532013001")] // IBAN-shaped, but its checksum fails
    public void Pseudonyms_are_not(string id) => Assert.Null(PersonalData.InIdentifier(id));

    [Theory]
    [InlineData("the citizen 850101123456 was paid late")]
    [InlineData("pay into DE89 3704 0044 0532 0130 00")]
    [InlineData("wrong account DE89370400440532013000.")]
    [InlineData("contact maria.gonzalez@example.org")]
    public void Free_text_carrying_personal_data_is_recognized(string text) => Assert.NotNull(PersonalData.InText(text));

    [Theory]
    [InlineData("the 2026-11 floor was paid to a closed account; corrected by 15000 minor units")]
    [InlineData("decision c-3f2a9123456789ab0c1d2e3f40516273 upheld")]
    public void Ordinary_reasons_are_not(string text) => Assert.Null(PersonalData.InText(text));
}
