namespace FloorPay.Domain.Tests;

public class IdentifierTests
{
    private const string Allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-";

    [Theory]
    [InlineData("a")]
    [InlineData("citizen-0001")]
    [InlineData("bank.eu:acct_9")]
    [InlineData("A-Z.a_z:0-9")]
    [InlineData("...")]
    [InlineData("0")]
    public void Ids_of_letters_digits_and_dot_underscore_colon_dash_are_valid(string id)
    {
        Assert.True(Identifier.IsValid(id));
    }

    [Fact]
    public void An_id_of_exactly_64_characters_is_valid_and_65_is_not()
    {
        Assert.Equal(64, Identifier.MaxLength);
        Assert.True(Identifier.IsValid(new string('x', 64)));
        Assert.False(Identifier.IsValid(new string('x', 65)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("has space")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData("tab\there")]
    [InlineData("line\n")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a@b")]
    [InlineData("a+b")]
    [InlineData("a,b")]
    [InlineData("a#b")]
    [InlineData("café")]
    [InlineData("日本")]
    [InlineData("ａ")]
    [InlineData("٣")]
    [InlineData("\u00A0")]
    [InlineData("x\0")]
    public void Ids_with_anything_else_are_invalid(string? id)
    {
        Assert.False(Identifier.IsValid(id));
    }

    [Fact]
    public void Any_one_to_64_characters_from_the_allowed_alphabet_make_a_valid_id()
    {
        Gen.String[Gen.Char[Allowed], 1, 64].Sample(id => Assert.True(Identifier.IsValid(id), id));
    }

    [Fact]
    public void One_character_outside_the_alphabet_makes_an_id_invalid()
    {
        var genCase =
            from id in Gen.String[Gen.Char[Allowed], 1, 63]
            from bad in Gen.Char.Where(c => !Allowed.Contains(c))
            from at in Gen.Int[0, id.Length]
            select id.Insert(at, bad.ToString());

        genCase.Sample(id => Assert.False(Identifier.IsValid(id), id));
    }
}
