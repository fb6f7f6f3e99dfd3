using FundAudit.Benchmarks.Audit;
using FundAudit.Benchmarks.Classification;
using FundAudit.Benchmarks.Import;
using FundAudit.Benchmarks.Intake;

// Console benchmarks and the classifier's evaluation, run by hand (not by the tests). Each command lives in its own folder.
return args.FirstOrDefault() switch
{
    "evaluate" => ClassificationBenchmark.Evaluate(args[1..]),
    "evaluate-real" => ClassificationBenchmark.EvaluateReal(args[1..]),
    "evaluate-model" => ModelEvaluation.Run(PurposeModel.Dimension, args[1..]),
    "evaluate-level-model" => ModelEvaluation.Run(LevelModel.Dimension, args[1..]),
    "classify-speed" => ClassificationBenchmark.Speed(args[1..]),
    "import" => await ImportBenchmark.RunAsync(args[1..]),
    "import-json" => await JsonImportBenchmark.RunAsync(args[1..]),
    "post-package" => await PostPackageBenchmark.RunAsync(args[1..]),
    "import-phases" => ImportPhases.Run(args[1..]),
    "audit-mix" => await AuditMixBenchmark.RunAsync(args[1..]),
    "form-load" => await FormLoadBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine(
        """
        usage: dotnet run -c Release --project tests/FundAudit.Benchmarks -- <command>
          evaluate [path-to-jsonl] [--mistakes]                   accuracy and confusion matrices of the classifier
          evaluate-real [PART|all] [--mistakes] [--calibrate]     the same on the real grants of labels-PART.jsonl
                                                                  (tuning, heldout, heldout-second, fresh, fresh2, …, fresh7)
          evaluate-model [PART] [--in-sample] [--trainer sdca|lbfgs] [--words N] [--chars N]
                         [--l2 X] [--with-recipient] [--explain N]   a text model of purpose beside the rules
          evaluate-level-model [PART] [the same options] [--facts all|none|NAME,…] [--train-weak]
                                                                  a model of level (words, recipient name, facts)
          classify-speed [path-to-jsonl] [count]                  average classification time per grant
          import [--rows N] [--engine sqlite|postgres] [--keep] [--warm] [--quick]   CSV import beside the engine's raw load
          post-package [--file PATH] [--engine sqlite|postgres|both] [--runs N]
                                                                  POST /api/grants's work on a real package: new, same, half changed
          import-json [--rows N] [--format json|csv] [--write FILE | --file FILE]
                                                                  real 360Giving grants cycled, as a JSON package or CSV
          import-phases [--rows N]                                the import's CPU side alone, phase by phase
          import-phases --alloc [--rows N]                        bytes allocated and time per row, phase by phase
          import-phases --digest FILE[@DD/MM/YYYY]...             a checksum of all it produces per file (before/after a change)
          audit-mix [grants] [sqlite,postgres] [runs]             every report beside its hand-written GROUP BY
                                                                  (FUNDAUDIT_BENCH_CURRENCIES=EUR: every grant in one currency)
          form-load [--engine sqlite|postgres] [--rate 200] [--seconds 20] [--import-rows N]
                                                                  the defender's form at a fixed rate, alone and during an import
        """
    );
    return 2;
}
