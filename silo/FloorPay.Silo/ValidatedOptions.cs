using Microsoft.Extensions.Options;

namespace FloorPay.Silo;

/// <summary>
/// Configuration sections bound to options that are checked when the host starts (ValidateOnStart): a bad value stops
/// the start, naming the section and the problem, before anything is served. Consumers take the options object itself.
/// </summary>
public static class ValidatedOptions
{
    public static IServiceCollection AddValidated<T>(this IServiceCollection services, IConfiguration configuration, string section,
        Func<T, IEnumerable<string>> problems) where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new Rule<T>(section, problems));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    private sealed class Rule<T>(string section, Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var found = problems(options).Select(p => $"{section}: {p}").ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
