using EdgeInspector.Updates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.ModelUpdates;

public static class ModelUpdatesServiceCollectionExtensions
{
    /// <summary>The model store in the state directory, trust, model/state, the activator, transfers and rollback.</summary>
    public static IServiceCollection AddModelUpdates(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ModelStore(sp.GetRequiredService<IOptions<AgentOptions>>().Value.ResolveStateDirectory()));
        services.AddSingleton<UpdateTrust>();
        services.AddSingleton<ModelStates>();
        services.AddSingleton<ModelActivator>();
        services.AddSingleton<ModelTransferSession>();
        services.AddSingleton<RollbackService>();
        return services;
    }
}
