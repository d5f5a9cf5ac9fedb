using Aims.Risk.Cli;
using Microsoft.Extensions.Configuration;

var configuration = new ConfigurationBuilder()
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .Build();

return await AimsRiskCli.RunAsync(args, Console.Out, Console.Error, configuration, TimeProvider.System);
