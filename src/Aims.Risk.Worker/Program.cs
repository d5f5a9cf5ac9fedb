using Aims.Risk.Core;
using Aims.Risk.Worker;

var builder = Host.CreateApplicationBuilder(args);
builder.AddRiskAssessment();
builder.AddRiskTelemetry();
builder.Build().Run();
