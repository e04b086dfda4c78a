using System.ComponentModel.DataAnnotations;

namespace EdgeInspector.Messaging;

/// <summary>Empty (embedded broker) or a broker URI <see cref="BrokerAddress.Parse"/> accepts; checked at start.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class BrokerUriAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string uri || string.IsNullOrWhiteSpace(uri))
        {
            return ValidationResult.Success;
        }

        try
        {
            BrokerAddress.Parse(uri);
            return ValidationResult.Success;
        }
        catch (FormatException e)
        {
            return new ValidationResult($"Mqtt:Broker: {e.Message}", [validationContext.MemberName ?? "Broker"]);
        }
    }
}
