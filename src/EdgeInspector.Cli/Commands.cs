using System.Globalization;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Enrollment;
using Spectre.Console;

namespace EdgeInspector.Cli;

/// <summary>The edge-inspector workstation commands: eval, enroll, demo-images, keygen, sign, push.</summary>
/// <summary>
/// The <c>edge-inspector</c> verbs: argument parsing and usage for each, handing the work to its
/// own class (capture, eval, enroll, keygen/sign/push/rollback, status, demo-images). Long on
/// purpose: it is the tool's one verb table and help text.
/// </summary>
public static class Commands
{
    public const string Usage = """
        edge-inspector: model package tools (the agent's own serving path, CPU)

          edge-inspector eval --model PKG --data DIR [--precision fp32|int8] [--json] [--write-threshold] [--out REPORT_DIR]
              image AUROC, image AP, F1-max and its threshold; pixel AUROC and AUPRO (MVTec AD's
              per-region overlap, 8-connected regions, integrated to 30 % FPR / 0.3) when masks exist.
              DIR: MVTec layout (test/good, test/<defect>, ground_truth/<defect>/<name>_mask.png)
              or good/ and <defect>/ directly; or several categories (DIR/<category>/test/...):
              the metrics over all images, then one row per category and their mean.
              --write-threshold stores the F1-optimal threshold in PKG's manifest
              (decision.image_threshold); --out writes roc_pr.png, scores.png and gallery.png.
              --precision int8 scores the package's INT8 model (model.int8.onnx) instead of model.onnx.
          edge-inspector enroll --model PKG --good DIR --out PKG2 [--max-bank N]
              few-shot memory bank from good images (features.onnx + greedy coreset) written
              into a copy of PKG with version + 1, new hashes and good-only thresholds.
          edge-inspector capture --camera CAMERA --out DIR [--count 50] [--interval-ms 0]
              saves full-resolution PNGs from the line's camera for a dataset, e.g.
              --out data/COMP/part/train/good. CAMERA: aravis[:ID], spinnaker[:SERIAL],
              spinnakernet[:SERIAL] (Windows with the FLIR SDK), opencv:SOURCE, replay:DIR.
          edge-inspector demo-images --out DIR [--count 40] [--seed 7] [--defect-fraction 0.3] [--mvtec]
                                     [--surface brushed-metal | --photo brick|grass|gravel [--photo-dir DIR]
                                      [--photo-split train|test] [--brightness-jitter 0.05]]
              the agent's deterministic synthetic parts; --mvtec sorts them into test/<kind>
              with ground_truth masks. --surface: brushed-metal (the agent's demo), cast-metal,
              woven-fabric or moulded-plastic (engines/benchmarks/surfaces.sh benchmarks them).
              --photo: 480x480 parts cut from a real photograph (DIR/NAME.png; default DIR is
              Debian python3-skimage's data folder, nothing is downloaded): random crops of 30 %
              of its shorter side, turned/flipped, gain 1 +- jitter, with small synthetic
              defects. Training parts come only from the left 60 % of the photograph and test
              parts only from the right 40 %, so a test measures generalisation to unseen
              texture, not memory: --photo-split defaults to test with --mvtec, else train.

          edge-inspector status --broker mqtt[s]://host:port [--watch] [--topic-root edgeinspector]
                                [--ca CA.pem] [--cert CLIENT.pem --key CLIENT.key] [--username U --password P]
              every device's retained status as one table (state, model, provider, camera,
              fps, counters, p99 latency, last error); --watch redraws it on every change.

          edge-inspector web --broker mqtt[s]://host:port [--listen 127.0.0.1:8080] [--topic-root edgeinspector]
                             [--tls-cert CERT.pem --tls-key KEY.pem] [--web-password-file FILE]
                             [--ca CA.pem] [--cert CLIENT.pem --key CLIENT.key] [--username U --password P]
              the live web view: a fleet page and one page per device (status, live verdicts with
              heat maps and regions, NG rate and score histogram, NG gallery, snapshot,
              set-threshold, enroll), fed from the broker over server-sent events. Loopback by
              default; any other --listen needs --tls-cert/--tls-key and a password
              (--web-password-file, or EDGE_INSPECTOR_WEB_PASSWORD) or it refuses to start.
              --password is the broker's; every action is logged with the browser's user name.

          edge-inspector keygen --out DIR
              a P-256 signing key pair: DIR/private.pem (keep it on the workstation) and
              DIR/public.pem (Updates:TrustedKeys on the devices); prints the key id.
          edge-inspector sign --package PKG --key private.pem
              writes PKG/manifest.sig: ECDSA P-256 SHA-256 over the exact bytes of manifest.json.
          edge-inspector push --package PKG --broker mqtt[s]://host:port --device ID [--timeout S]
                              [--topic-root edgeinspector] [--chunk-bytes 131072]
                              [--ca CA.pem] [--cert CLIENT.pem --key CLIENT.key] [--username U --password P]
              sends a signed package to a running agent over MQTT (docs/model-updates.md),
              resuming where the device stands; exit 0 only when the device reports active.
              --ca trusts a private CA (mqtts://); --cert/--key present a client certificate
              (mutual TLS: the workstation identity of docs/broker-security.md).
          edge-inspector push --package PKG --broker URI --fleet FLEET.json [--group NAME]
                              [--parallel 4] [--max-failures 0] [--rollback-on-abort --rollback-key private.pem]
                              [options above]
              staged rollout: the group's canaries one at a time (a failed canary aborts), then
              the rest N at a time, stopping once more than --max-failures failed; a progress line
              per device and a result table; exit 0 only when every device reports active.
              --rollback-on-abort: when the rollout aborts, send every device it switched a
              cmd/rollback signed with --rollback-key, back to the version it served before.
          edge-inspector rollback --broker URI --device ID --key private.pem [--to VERSION] [--timeout 30]
                                  [--topic-root edgeinspector] [--ca CA.pem] [--cert CLIENT.pem --cert-key CLIENT.key]
                                  [--username U --password P]
              cmd/rollback signed with private.pem (device id, target, issued_at, nonce): the
              device goes back to its previous package (--to: only if that is VERSION); exit 0
              when it did. --key is the signing key here, --cert-key the TLS client key.

          edge-inspector collect --broker URI --device ID --out data/COMP/product [--since TIME]
                                 [--kinds ng,uncertain,ok,error] [--description TEXT] [--ack] [--timeout 30]
              pulls the device's captured parts (Capture:Enabled) over MQTT into a new collection
              round OUT/<yyyyMMdd>_V<nn>_<description>/: images under test/good|ng|error/, labels.csv and
              labels.json (the device's verdict as the suggested label) and dataset-manifest.json
              (SHA-256 per file, as the trainer's verify-dataset checks). Chunked and resumable: a
              rerun continues an unfinished round and skips what arrived. --ack deletes on the device
              what arrived. docs/data-loop.md.

          edge-inspector label --round DIR [--image ID --label normal|anomaly|error [--description TEXT] | --confirm-rest]
              a person's review of a round's labels: without a change it lists the suggestions
              nearest the threshold first; --image sets one (and moves the image to test/good, ng
              or error); --confirm-rest accepts the rest. Rewrites labels.csv/json and the manifest.

          edge-inspector VERB --help
              one verb's options. edge-inspector completion bash prints a bash completion script
              (eval "$(edge-inspector completion bash)"); a mistyped verb or option gets a suggestion.

          edge-inspector weights
              checks and prints the path of the default engine's ImageNet ResNet18 (NuGet
              Microsoft.ML.DnnImageFeaturizer.ResNet18, restored by the build; SHA-256 verified),
              for the trainer's export-patchcore --weights.

        Tables are drawn with borders at a terminal and as plain columns when stdout is redirected.
        Exit codes: 0 done, 2 bad arguments or data (one line on stderr), 1 unexpected failure.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (CommandTree.AnswersItself(args))
        {
            // VERB --help and shell completions come from the System.CommandLine tree.
            return await CommandTree.InvokeAsync(args, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var rest = args[1..];
            if (args[0] == "completion")
            {
                _ = CommandTree.Parse("completion", rest);
                stdout.WriteLine(CommandTree.BashCompletion);
                return 0;
            }

            if (args[0] == "status")
            {
                var s = CommandTree.Parse("status", rest);
                var view = new FleetStatus(Connection(s), s.Value("--topic-root") ?? "edgeinspector", stdout);
                return await view.RunAsync(s.Flag("--watch"), TimeSpan.FromMilliseconds(s.Int("--settle-ms", 1500, 0, 60_000)), cancellationToken).ConfigureAwait(false);
            }

            if (args[0] == "web")
            {
                return await WebAsync(CommandTree.Parse("web", rest), stdout, cancellationToken).ConfigureAwait(false);
            }

            if (args[0] == "capture")
            {
                return await CaptureAsync(CommandTree.Parse("capture", rest), stdout, cancellationToken).ConfigureAwait(false);
            }

            if (args[0] == "push")
            {
                return await PushAsync(CommandTree.Parse("push", rest), stdout, cancellationToken).ConfigureAwait(false);
            }

            if (args[0] == "collect")
            {
                return await CollectAsync(CommandTree.Parse("collect", rest), stdout, cancellationToken).ConfigureAwait(false);
            }

            if (args[0] == "rollback")
            {
                return await RollbackAsync(CommandTree.Parse("rollback", rest), stdout, cancellationToken).ConfigureAwait(false);
            }

            return args[0] switch
            {
                "eval" => Eval(CommandTree.Parse("eval", rest), stdout, stderr),
                "enroll" => Enroll(CommandTree.Parse("enroll", rest), stdout, stderr),
                "demo-images" => Demo(CommandTree.Parse("demo-images", rest), stdout),
                "keygen" => Keygen(CommandTree.Parse("keygen", rest), stdout),
                "sign" => Sign(CommandTree.Parse("sign", rest), stdout),
                "weights" => Weights(rest, stdout),
                "label" => Label(CommandTree.Parse("label", rest), stdout),
                _ => throw new CliException($"unknown command '{args[0]}' (commands: {string.Join(", ", CommandTree.VerbNames)}, help){(CommandTree.Closest(args[0], CommandTree.VerbNames) is { } verb ? $"; did you mean {verb}?" : "")}"),
            };
        }
        catch (CliException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is Updates.UpdateException or ModelPackageException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static int Weights(string[] rest, TextWriter stdout)
    {
        _ = CommandTree.Parse("weights", rest); // takes no arguments: refuses any
        try
        {
            stdout.WriteLine(Engines.PretrainedWeights.Verify());
            return 0;
        }
        catch (Engines.PretrainedWeightsException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static int Eval(Arguments a, TextWriter stdout, TextWriter stderr)
    {
        string package = a.Required("--model");
        var images = InspectionDataset.Scan(a.Required("--data"));
        using var path = ServingPath.ForPrecision(package, a.Value("--precision"));
        var r = Evaluation.Run(path, images);
        var m = path.Runner.Package.Manifest;
        if (a.Flag("--write-threshold"))
        {
            var manifest = PackageFiles.ReadManifest(path.Runner.Package.Directory);
            var decision = manifest["decision"] as JsonObject ?? [];
            decision["image_threshold"] = r.F1.Threshold;
            manifest["decision"] = decision;
            var metrics = manifest["metrics"] as JsonObject ?? [];
            metrics["image_auroc"] = r.ImageAuroc;
            metrics["image_ap"] = r.ImageAp;
            metrics["f1_max"] = r.F1.F1;
            if (r.PixelAuroc is { } p)
            {
                metrics["pixel_auroc"] = p;
            }

            if (r.Aupro is { } pro)
            {
                metrics["aupro"] = pro;
            }

            manifest["metrics"] = metrics;
            PackageFiles.WriteManifest(path.Runner.Package.Directory, manifest);
        }

        string? report = a.Value("--out");
        if (report is not null)
        {
            EvaluationReport.Write(report, r, path, r.F1.Threshold);
        }

        if (a.Flag("--json"))
        {
            var json = new JsonObject
            {
                ["model"] = new JsonObject { ["name"] = m.Name, ["version"] = m.Version, ["sha256"] = path.Runner.Identity.Sha256 },
                ["execution_provider"] = path.Runner.Provider.Active.ToString(),
                ["model_precision"] = path.Runner.Precision.ToString().ToLowerInvariant(),
                ["n_good"] = r.Good,
                ["n_anomalous"] = r.Anomalous,
                ["n_masks"] = r.MaskedImages,
                ["image_auroc"] = r.ImageAuroc,
                ["image_ap"] = r.ImageAp,
                ["f1_max"] = r.F1.F1,
                ["threshold"] = r.F1.Threshold,
                ["precision"] = r.F1.Precision,
                ["recall"] = r.F1.Recall,
                ["ms_per_image"] = Math.Round(r.SecondsPerImage * 1000, 2),
                ["threshold_written"] = a.Flag("--write-threshold"),
            };
            if (r.PixelAuroc is { } p)
            {
                json["pixel_auroc"] = p;
            }

            if (r.Aupro is { } pro)
            {
                json["aupro"] = pro;
                json["aupro_fpr_limit"] = AnomalyMetrics.AuproFprLimit;
            }

            if (r.Mean is { } mean)
            {
                json["categories"] = new JsonArray([.. r.Categories.Select(CategoryJson)]);
                json["category_mean"] = Metrics(new JsonObject(), mean.ImageAuroc, mean.ImageAp, mean.F1Max, mean.PixelAuroc, mean.Aupro);
            }

            if (report is not null)
            {
                json["report"] = Path.GetFullPath(report);
            }

            stdout.WriteLine(json.ToJsonString());
            return 0;
        }

        var kinds = string.Join(", ", r.Images.Where(i => i.Image.IsAnomalous).GroupBy(i => i.Image.Kind).Select(g => $"{g.Key} {g.Count()}"));
        TextTable.WritePairs(stdout,
        [
            ("model", Invariant($"{m.Name} v{m.Version} {path.Runner.Precision.ToString().ToUpperInvariant()} on {path.Runner.Provider.Active} ({path.Width}x{path.Height})")),
            ("data", Invariant($"{r.Good} good, {r.Anomalous} anomalous ({kinds}), {r.MaskedImages} masks")),
            ("image AUROC", Invariant($"{r.ImageAuroc:F4}")),
            ("image AP", Invariant($"{r.ImageAp:F4}")),
            ("F1-max", Invariant($"{r.F1.F1:F4} at raw score >= {r.F1.Threshold:G6} (precision {r.F1.Precision:F3}, recall {r.F1.Recall:F3}); manifest threshold {m.Decision.ImageThreshold:G6}")),
            ("pixel AUROC", r.PixelAuroc is { } px ? Invariant($"{px:F4}") : "- (no masks)"),
            ("AUPRO", r.Aupro is { } au ? Invariant($"{au:F4} (per-region overlap to {AnomalyMetrics.AuproFprLimit:P0} FPR, normalised)") : "- (no masks)"),
            ("speed", Invariant($"{r.SecondsPerImage * 1000:F1} ms/image (decode + preprocess + infer)")),
        ]);
        if (a.Flag("--write-threshold"))
        {
            stdout.WriteLine(Invariant($"wrote decision.image_threshold = {r.F1.Threshold:G6} to {Path.Combine(path.Runner.Package.Directory, ModelPackage.ManifestFileName)}"));
        }

        if (report is not null)
        {
            stdout.WriteLine($"wrote {Path.Combine(report, EvaluationReport.CurvesFile)}, {Path.Combine(report, EvaluationReport.ScoresFile)} and {Path.Combine(report, EvaluationReport.GalleryFile)}");
        }

        if (r.Mean is { } average)
        {
            WriteCategoryTable(r.Categories, average, stdout);
        }

        _ = stderr;
        return 0;
    }

    /// <summary>One row per category (each with its own F1 threshold) and their mean, as MVTec AD tables read.</summary>
    private static void WriteCategoryTable(IReadOnlyList<CategoryResult> categories, CategoryMean mean, TextWriter stdout)
    {
        static string Cell(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "-";
        stdout.WriteLine();
        string[] header = ["category", "good", "anom", "img AUROC", "img AP", "F1-max", "pix AUROC", "AUPRO"];
        if (Terminal.For(stdout) is { } console)
        {
            var rows = categories.Select(c => new[] { c.Name, $"{c.Good}", $"{c.Anomalous}", Cell(c.ImageAuroc), Cell(c.ImageAp), Cell(c.F1.F1), Cell(c.PixelAuroc), Cell(c.Aupro) })
                .Append(["mean", "", "", Cell(mean.ImageAuroc), Cell(mean.ImageAp), Cell(mean.F1Max), Cell(mean.PixelAuroc), Cell(mean.Aupro)]);
            TextTable.Write(stdout, header, rows, console);
            return;
        }

        int width = Math.Max(8, categories.Max(c => c.Name.Length));
        stdout.WriteLine($"{"category".PadRight(width)}  {"good",5} {"anom",5} {"img AUROC",9} {"img AP",7} {"F1-max",7} {"pix AUROC",9} {"AUPRO",7}");
        foreach (var c in categories)
        {
            stdout.WriteLine($"{c.Name.PadRight(width)}  {c.Good,5} {c.Anomalous,5} {Cell(c.ImageAuroc),9} {Cell(c.ImageAp),7} {Cell(c.F1.F1),7} {Cell(c.PixelAuroc),9} {Cell(c.Aupro),7}");
        }

        stdout.WriteLine($"{"mean".PadRight(width)}  {"",5} {"",5} {Cell(mean.ImageAuroc),9} {Cell(mean.ImageAp),7} {Cell(mean.F1Max),7} {Cell(mean.PixelAuroc),9} {Cell(mean.Aupro),7}");
    }

    private static JsonObject CategoryJson(CategoryResult c)
    {
        var json = new JsonObject
        {
            ["name"] = c.Name,
            ["n_good"] = c.Good,
            ["n_anomalous"] = c.Anomalous,
            ["n_masks"] = c.MaskedImages,
            ["threshold"] = c.F1.Threshold,
        };
        return Metrics(json, c.ImageAuroc, c.ImageAp, c.F1.F1, c.PixelAuroc, c.Aupro);
    }

    /// <summary>The metric fields, named as at the top level of eval --json; pixel metrics only where masks exist.</summary>
    private static JsonObject Metrics(JsonObject json, double imageAuroc, double imageAp, double f1Max, double? pixelAuroc, double? aupro)
    {
        json["image_auroc"] = imageAuroc;
        json["image_ap"] = imageAp;
        json["f1_max"] = f1Max;
        if (pixelAuroc is { } p)
        {
            json["pixel_auroc"] = p;
        }

        if (aupro is { } pro)
        {
            json["aupro"] = pro;
        }

        return json;
    }

    private static int Enroll(Arguments a, TextWriter stdout, TextWriter stderr)
    {
        bool json = a.Flag("--json");
        string model = a.Required("--model"), good = a.Required("--good"), output = a.Required("--out");
        int maxBank = a.Int("--max-bank", 4096, 1, 1 << 20);
        // At a terminal a spinner shows enrollment is still working (features and the coreset take a while); its steps print above it.
        var r = !json && Terminal.For(stdout) is { } console
            ? console.Status().Start($"enrolling the good images of {Markup.Escape(good)}", _ => Enrollment.Run(model, good, output, maxBank, m => console.WriteLine(m)))
            : Enrollment.Run(model, good, output, maxBank, m => (json ? stderr : stdout).WriteLine(m));
        if (json)
        {
            stdout.WriteLine(new JsonObject
            {
                ["package"] = r.Package,
                ["version"] = r.Version,
                ["good_images"] = r.GoodParts,
                ["memory_bank"] = new JsonArray(r.BankRows, r.BankWidth),
                ["image_threshold"] = r.Decision.ImageThreshold,
                ["pixel_threshold"] = r.Decision.PixelThreshold,
                ["score_scale"] = r.Decision.ScoreScale,
                ["seconds"] = Math.Round(r.Seconds, 2),
            }.ToJsonString());
        }
        else
        {
            stdout.WriteLine(Invariant($"wrote {r.Package}: version {r.Version}, memory bank {r.BankRows}x{r.BankWidth} from {r.GoodParts} good images, image threshold {r.Decision.ImageThreshold:G6}, pixel threshold {r.Decision.PixelThreshold:G6} ({r.Seconds:F1} s)"));
        }

        return 0;
    }

    private static int Demo(Arguments a, TextWriter stdout)
    {
        string dir = a.Required("--out");
        int count = a.Int("--count", 40, 1, 100_000);
        int seed = a.Int("--seed", 7, int.MinValue, int.MaxValue);
        double defectFraction = a.Double("--defect-fraction", 0.3, 0, 1);
        bool mvtec = a.Flag("--mvtec");
        if (a.Value("--photo") is { } photoName)
        {
            return DemoPhoto(a, photoName, dir, count, seed, defectFraction, mvtec, stdout);
        }

        foreach (string option in new[] { "--photo-dir", "--photo-split", "--brightness-jitter" }.Where(o => a.Value(o) is not null))
        {
            throw new CliException($"demo-images: {option} needs --photo NAME");
        }

        string name = a.Value("--surface") ?? Imaging.SyntheticSurfaces.Name(Imaging.SyntheticSurface.BrushedMetal);
        if (!Imaging.SyntheticSurfaces.TryParse(name, out var surface))
        {
            throw new CliException($"demo-images: unknown --surface '{name}' (surfaces: {string.Join(", ", Imaging.SyntheticSurfaces.Names)})");
        }

        var written = DemoImages.Write(dir, count, seed, defectFraction, mvtec, surface);
        stdout.WriteLine($"wrote {written.Count} images ({written.Count(w => w.Defect == Imaging.SyntheticDefect.None)} good) to {Path.GetFullPath(dir)}");
        return 0;
    }

    /// <summary>demo-images --photo: parts cut from a photographed texture, training parts and test parts from disjoint sides.</summary>
    private static int DemoPhoto(Arguments a, string name, string dir, int count, int seed, double defectFraction, bool mvtec, TextWriter stdout)
    {
        if (a.Value("--surface") is not null)
        {
            throw new CliException("demo-images: give --surface or --photo, not both");
        }

        if (!Imaging.PhotoParts.Names.Contains(name))
        {
            throw new CliException($"demo-images: unknown --photo '{name}' (photos: {string.Join(", ", Imaging.PhotoParts.Names)})");
        }

        var split = a.Value("--photo-split") switch
        {
            null => mvtec ? Imaging.PhotoSplit.Test : Imaging.PhotoSplit.Train,
            "train" => Imaging.PhotoSplit.Train,
            "test" => Imaging.PhotoSplit.Test,
            var other => throw new CliException($"demo-images: --photo-split must be train or test, got '{other}'"),
        };
        double jitter = a.Double("--brightness-jitter", 0.05, 0, 0.5);
        OpenCvSharp.Mat photo;
        try
        {
            photo = Imaging.PhotoParts.Load(name, a.Value("--photo-dir"));
        }
        catch (FileNotFoundException e)
        {
            throw new CliException($"demo-images: {e.Message}", e);
        }

        using (photo)
        {
            var written = DemoImages.WritePhoto(dir, count, seed, defectFraction, mvtec, photo, split, jitter);
            string side = split == Imaging.PhotoSplit.Train ? $"left {Imaging.PhotoParts.TrainFraction:P0}" : $"right {1 - Imaging.PhotoParts.TrainFraction:P0}";
            stdout.WriteLine($"wrote {written.Count} images ({written.Count(w => w.Defect == Imaging.SyntheticDefect.None)} good) to {Path.GetFullPath(dir)}, cut from the {split.ToString().ToLowerInvariant()} side ({side}) of {name}.png");
        }

        return 0;
    }

    private static int Keygen(Arguments a, TextWriter stdout)
    {
        string dir = a.Required("--out");
        string keyId = Updates.PackageSigning.GenerateKeyPair(dir);
        stdout.WriteLine($"wrote {Path.GetFullPath(Path.Combine(dir, Updates.PackageSigning.PrivateKeyFileName))} and {Updates.PackageSigning.PublicKeyFileName}; key id {keyId}");
        return 0;
    }

    private static int Sign(Arguments a, TextWriter stdout)
    {
        string package = a.Required("--package");
        var signature = Updates.PackageSigning.SignPackage(package, a.Required("--key"));
        stdout.WriteLine($"signed {Path.GetFullPath(Path.Combine(package, ModelPackage.ManifestFileName))} with key {signature.KeyId}: wrote {Updates.PackageSignature.FileName}");
        return 0;
    }

    private static async Task<int> CaptureAsync(Arguments a, TextWriter stdout, CancellationToken cancellationToken)
    {
        string spec = a.Required("--camera");
        string output = a.Required("--out");
        int count = a.Int("--count", 50, 1, 1_000_000);
        var interval = TimeSpan.FromMilliseconds(a.Int("--interval-ms", 0, 0, 3_600_000));
        await using var camera = DatasetCapture.Open(spec, new FramePool());
        try
        {
            await camera.OpenAsync(cancellationToken).ConfigureAwait(false);
            int written = await DatasetCapture.RunAsync(camera, output, count, interval, stdout, cancellationToken).ConfigureAwait(false);
            stdout.WriteLine(Invariant($"captured {written} image(s) into {Path.GetFullPath(output)}"));
            return written == count ? 0 : 1;
        }
        catch (Acquisition.CameraException e)
        {
            throw new CliException($"capture: {e.Message}");
        }
    }

    private static async Task<int> PushAsync(Arguments a, TextWriter stdout, CancellationToken cancellationToken)
    {
        var connection = Connection(a);
        string package = a.Required("--package");
        string topicRoot = a.Value("--topic-root") ?? "edgeinspector";
        int chunkBytes = a.Int("--chunk-bytes", Updates.UpdateOffer.MaxChunkBytes, Updates.UpdateOffer.MinChunkBytes, Updates.UpdateOffer.MaxChunkBytes);
        var timeout = TimeSpan.FromSeconds(a.Int("--timeout", 300, 1, 86_400));
        string? device = a.Value("--device");
        string? fleet = a.Value("--fleet");
        if ((device is null) == (fleet is null))
        {
            throw new CliException("push: give either --device ID or --fleet FILE (run 'edge-inspector help')");
        }

        if (fleet is null)
        {
            foreach (string option in new[] { "--group", "--parallel", "--max-failures", "--rollback-key" }.Where(o => a.Value(o) is not null).Concat(a.Flag("--rollback-on-abort") ? ["--rollback-on-abort"] : []))
            {
                throw new CliException($"push: {option} needs --fleet FILE (to undo a single device's update: edge-inspector rollback)");
            }

            var result = Terminal.For(stdout) is { } console
                ? await LiveProgress.RunAsync(console, live => new ModelPusher(package, connection, topicRoot, device!, chunkBytes, timeout, live.Lines, live.Bar(device!)).RunAsync(cancellationToken)).ConfigureAwait(false)
                : await new ModelPusher(package, connection, topicRoot, device!, chunkBytes, timeout, stdout).RunAsync(cancellationToken).ConfigureAwait(false);
            ModelPusher.WriteTable(result, stdout);
            return result.Phase == Updates.UpdatePhase.Active ? 0 : 1;
        }

        var plan = FleetFile.Load(fleet).Plan(a.Value("--group"));
        int version = PackageVersion(package);
        int parallel = a.Int("--parallel", 4, 1, 256);
        int maxFailures = a.Int("--max-failures", 0, 0, 1_000_000);
        var rollback = RollbackOnAbort(a, connection, topicRoot, timeout, parallel);
        FleetPush Rollout(TextWriter lines, Func<string, Action<int, int>>? chunks) => new(
            (d, progress, token) => new ModelPusher(package, connection, topicRoot, d, chunkBytes, timeout, progress, chunks?.Invoke(d)).RunAsync(token),
            parallel,
            maxFailures,
            version,
            lines,
            rollback);
        var results = Terminal.For(stdout) is { } terminal
            ? await LiveProgress.RunAsync(terminal, live => Rollout(live.Lines, live.Bar).RunAsync(plan, cancellationToken)).ConfigureAwait(false)
            : await Rollout(stdout, null).RunAsync(plan, cancellationToken).ConfigureAwait(false);
        FleetPush.WriteTable(results, stdout);
        return results.All(r => r.Succeeded) ? 0 : 1;
    }

    /// <summary>--rollback-on-abort with its --rollback-key, checked before the rollout starts; null without the flag.</summary>
    private static FleetRollback? RollbackOnAbort(Arguments a, BrokerConnection connection, string topicRoot, TimeSpan timeout, int parallel)
    {
        string? key = a.Value("--rollback-key");
        if (!a.Flag("--rollback-on-abort"))
        {
            return key is null ? null : throw new CliException("push: --rollback-key is only used with --rollback-on-abort; add it, or drop --rollback-key");
        }

        if (key is null)
        {
            throw new CliException("push: --rollback-on-abort needs --rollback-key private.pem (the signing key the devices trust; --key is the TLS client key)");
        }

        FleetRollback.CheckKey(key);
        var rollback = new DeviceRollback(connection, topicRoot, key, timeout);
        return new FleetRollback(rollback.RunAsync, parallel);
    }

    /// <summary>edge-inspector web: serves until Ctrl+C; a bad listen/TLS/password combination is refused before anything starts (exit 2).</summary>
    private static async Task<int> WebAsync(Arguments a, TextWriter stdout, CancellationToken cancellationToken)
    {
        string? passwordFile = a.Value("--web-password-file");
        string? password = Environment.GetEnvironmentVariable("EDGE_INSPECTOR_WEB_PASSWORD");
        if (passwordFile is not null)
        {
            password = File.Exists(passwordFile)
                ? File.ReadAllText(passwordFile).Trim()
                : throw new CliException($"web: '{Path.GetFullPath(passwordFile)}' does not exist");
        }

        var options = new Web.WebViewOptions
        {
            Listen = a.Value("--listen") ?? "127.0.0.1:8080",
            TopicRoot = a.Value("--topic-root") ?? "edgeinspector",
            Password = string.IsNullOrEmpty(password) ? null : password,
            TlsCertificateFile = a.Value("--tls-cert"),
            TlsKeyFile = a.Value("--tls-key"),
        };
        try
        {
            var listener = Web.WebListener.From(options); // refuses an open non-loopback listener before connecting anywhere
            var connection = Connection(a);
            await using var view = await Web.WebView.StartAsync(options, (client, ct) => connection.ConnectAsync(client, "edge-inspector-web", ct), null, cancellationToken).ConfigureAwait(false);
            string security = listener.Loopback && !listener.PasswordRequired && !listener.Https
                ? "loopback only: no password, only this machine's users reach it"
                : $"{(listener.Https ? "HTTPS" : "plain HTTP")}, {(listener.PasswordRequired ? "password required (HTTP Basic; the user name is logged with every action)" : "no password")}{(listener.Loopback ? ", loopback" : "")}";
            stdout.WriteLine($"edge-inspector web: serving {view.Url} ({security}) for the devices under {options.TopicRoot}/ on {connection.Broker}; Ctrl+C stops");
            stdout.Flush();
            await view.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Web.WebViewConfigurationException e)
        {
            throw new CliException(e.Message, e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return 0;
    }

    private static async Task<int> RollbackAsync(Arguments a, TextWriter stdout, CancellationToken cancellationToken)
    {
        var connection = Connection(a, clientKeyOption: "--cert-key");
        string device = a.Required("--device");
        string key = a.Required("--key");
        int? to = a.Value("--to") is null ? null : a.Int("--to", 0, 1, int.MaxValue);
        var rollback = new DeviceRollback(connection, a.Value("--topic-root") ?? "edgeinspector", key, TimeSpan.FromSeconds(a.Int("--timeout", 30, 1, 3600)));
        var result = await rollback.RunAsync(device, to, cancellationToken).ConfigureAwait(false);
        stdout.WriteLine(result);
        return result.Ok ? 0 : 1;
    }

    private static async Task<int> CollectAsync(Arguments a, TextWriter stdout, CancellationToken cancellationToken)
    {
        var connection = Connection(a);
        string device = a.Required("--device");
        string output = a.Required("--out");
        DateTimeOffset? since = null;
        if (a.Value("--since") is { } sinceText)
        {
            since = DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? t
                : throw new CliException($"collect: --since '{sinceText}' is not a time; write RFC 3339, e.g. 2026-12-01T00:00:00Z or 2026-12-01");
        }

        string[] known = ["ng", "uncertain", "ok", "error"];
        string[] kinds = a.Value("--kinds") is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : known;
        if (kinds.Length == 0 || kinds.FirstOrDefault(k => !known.Contains(k)) is not null)
        {
            throw new CliException($"collect: --kinds '{a.Value("--kinds")}' is not a list of kinds; write a comma list of ng, uncertain, ok, error (e.g. --kinds ng,uncertain)");
        }

        var request = new CollectRequest(device, output, since, kinds, a.Value("--description") ?? device, a.Flag("--ack"),
            a.Int("--chunk-bytes", 128 * 1024, 256, 128 * 1024), TimeSpan.FromSeconds(a.Int("--timeout", 30, 1, 3600)));
        string topicRoot = a.Value("--topic-root") ?? "edgeinspector";
        var result = Terminal.For(stdout) is { } console
            ? await LiveProgress.RunAsync(console, live => new PartCollector(connection, topicRoot, live.Lines, live.Bar(device)).RunAsync(request, cancellationToken)).ConfigureAwait(false)
            : await new PartCollector(connection, topicRoot, stdout).RunAsync(request, cancellationToken).ConfigureAwait(false);
        stdout.WriteLine(result);
        return 0;
    }

    private static int Label(Arguments a, TextWriter stdout)
    {
        var review = new LabelReview(a.Required("--round"));
        string? image = a.Value("--image");
        string? label = a.Value("--label");
        if ((image is null) != (label is null) || (a.Value("--description") is not null && image is null))
        {
            throw new CliException("label: --image and --label go together (--description only with them); or give neither to list the suggestions");
        }

        if (image is not null && a.Flag("--confirm-rest"))
        {
            throw new CliException("label: give either --image ID --label L or --confirm-rest, not both");
        }

        if (image is not null)
        {
            review.Set(image, label!, a.Value("--description"));
            stdout.WriteLine($"{image}: {label} (confirmed)");
        }
        else if (a.Flag("--confirm-rest"))
        {
            stdout.WriteLine($"{review.ConfirmRest()} suggested labels confirmed");
        }
        else
        {
            review.List(stdout);
        }

        return 0;
    }

    /// <summary>--broker and the credentials/TLS options; a CA or client certificate needs mqtts://.</summary>
    private static BrokerConnection Connection(Arguments a, string clientKeyOption = "--key")
    {
        Messaging.BrokerAddress broker;
        try
        {
            broker = Messaging.BrokerAddress.Parse(a.Required("--broker"));
        }
        catch (FormatException e)
        {
            throw new CliException(e.Message, e);
        }

        string? ca = a.Value("--ca");
        string? cert = a.Value("--cert");
        string? key = a.Value(clientKeyOption);
        string? username = a.Value("--username");
        string? password = a.Value("--password");
        if (key is not null && cert is null)
        {
            throw new CliException($"{a.Command}: {clientKeyOption} needs --cert (the client certificate it belongs to)");
        }

        if (password is not null && username is null)
        {
            throw new CliException($"{a.Command}: --password needs --username");
        }

        if (!broker.UseTls && (ca ?? cert) is not null)
        {
            throw new CliException($"{a.Command}: --ca and --cert need a TLS broker: use mqtts://{broker.Host}:{(broker.Port == 1883 ? 8883 : broker.Port)} instead of {broker}");
        }

        foreach (string file in new[] { ca, cert, key }.OfType<string>().Where(f => !File.Exists(f)))
        {
            throw new CliException($"{a.Command}: '{Path.GetFullPath(file)}' does not exist");
        }

        return new BrokerConnection(broker, username, password, new Messaging.MqttTlsOptions { CaFile = ca, ClientCertificateFile = cert, ClientKeyFile = key });
    }

    private static int PackageVersion(string package)
    {
        string manifest = Path.Combine(package, ModelPackage.ManifestFileName);
        if (!File.Exists(manifest))
        {
            throw new CliException($"'{Path.GetFullPath(manifest)}' does not exist: --package must be a model package folder");
        }

        return Updates.PackageLayout.FromManifest(File.ReadAllBytes(manifest)).Manifest.Version;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
