using FundAudit.Benchmarks.Import;

// Console benchmarks, not run by the tests. Each command lives in its own folder.
return args.FirstOrDefault() switch
{
    "import" => await ImportBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/FundAudit.Benchmarks -- import [--rows N] [--engine sqlite|postgres] [--keep]");
    return 2;
}
