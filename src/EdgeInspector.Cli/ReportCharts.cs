using System.Globalization;
using ScottPlot;

namespace EdgeInspector.Cli;

/// <summary>The evaluation's charts, drawn by ScottPlot: ROC and PR side by side, and the raw-score histogram.</summary>
public static class ReportCharts
{
    public const int CurvesWidth = 1000;
    public const int CurvesHeight = 480;
    public const int ScoresWidth = 800;
    public const int ScoresHeight = 480;
    private const int Bins = 30;

    public static void SaveCurves(string file, bool[] labels, float[] scores, EvaluationResult result)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var roc = multiplot.GetPlot(0);
        Curve(roc, AnomalyMetrics.RocCurve(labels, scores), "false positive rate", "true positive rate", Invariant($"ROC  AUROC {result.ImageAuroc:F3}"));
        var chance = roc.Add.Line(0, 0, 1, 1);
        chance.LineColor = Colors.Gray;
        chance.LinePattern = LinePattern.Dashed;
        Curve(multiplot.GetPlot(1), AnomalyMetrics.PrCurve(labels, scores), "recall", "precision", Invariant($"PR  AP {result.ImageAp:F3}  F1-max {result.F1.F1:F3}"));
        multiplot.SavePng(file, CurvesWidth, CurvesHeight);
    }

    /// <summary>Good and anomalous raw scores on shared bins, with the threshold the report was made at.</summary>
    public static void SaveScores(string file, bool[] labels, float[] scores, double threshold)
    {
        double low = Math.Min(scores.Min(), threshold);
        double high = Math.Max(scores.Max(), threshold);
        if (high <= low)
        {
            high = low + 1; // every score equal: one visible bin instead of a zero-width axis
        }

        var plot = new Plot();
        Bars(plot, scores.Where((_, i) => !labels[i]), low, high, Colors.SteelBlue, "good");
        Bars(plot, scores.Where((_, i) => labels[i]), low, high, Colors.OrangeRed, "anomalous");
        plot.Add.VerticalLine(threshold, 2, Colors.Black, LinePattern.Dashed);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = Invariant($"threshold {threshold:G4}"), LineColor = Colors.Black, LineWidth = 2 });
        plot.Axes.Margins(bottom: 0);
        plot.Title("raw scores");
        plot.XLabel("raw score");
        plot.YLabel("images");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(file, ScoresWidth, ScoresHeight);
    }

    private static void Curve(Plot plot, IReadOnlyList<CurvePoint> curve, string xLabel, string yLabel, string title)
    {
        var line = plot.Add.ScatterLine(curve.Select(p => p.X).ToArray(), curve.Select(p => p.Y).ToArray());
        line.LineWidth = 2;
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
    }

    private static void Bars(Plot plot, IEnumerable<float> scores, double low, double high, Color colour, string label)
    {
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(Bins, low, high);
        histogram.AddRange(scores.Select(s => (double)s));
        var bars = plot.Add.Histogram(histogram);
        bars.BarWidthFraction = 0.9;
        foreach (var bar in bars.Bars)
        {
            bar.FillColor = colour.WithAlpha(0.6);
            bar.LineWidth = 0;
        }

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = colour.WithAlpha(0.6) });
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
