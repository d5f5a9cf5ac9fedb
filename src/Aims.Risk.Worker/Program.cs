using Aims.Risk.Core;
using Aims.Risk.Worker;
using Aims.Risk.Worker.Intake;

if (args is [HealthProbe.Argument, ..])
{
    return await HealthProbe.RunAsync(args);
}

// appsettings.json ships beside the binaries; relative paths in settings (Rules:Path, the SQLite file) are the working directory's.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddRiskAssessment();
builder.AddRiskTelemetry();
builder.AddRiskHealthEndpoints();
builder.AddRiskIntake();
var app = builder.Build();
app.MapRiskHealthEndpoints();
app.MapRiskReport();
app.MapRiskIntake();
await app.RunAsync();
return 0;
