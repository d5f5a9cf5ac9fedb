using Aims.Risk.Core;
using Aims.Risk.Worker;

// appsettings.json ships beside the binaries; relative paths in settings (Rules:Path, the SQLite file) are the working directory's.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddRiskAssessment();
builder.AddRiskTelemetry();
builder.Build().Run();
