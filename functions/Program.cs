using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using SakuraLb.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddSakuraLbFunctions(builder.Configuration);

// Metrics leave the process only when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT).
var metrics = builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(SakuraLbMetrics.MeterName));
if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
{
    metrics.WithMetrics(m => m.AddOtlpExporter());
}

builder.Build().Run();
