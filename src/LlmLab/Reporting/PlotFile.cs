using LlmLab.Runtime;

namespace LlmLab.Reporting;

/// <summary>Saves ScottPlot figures as PNG files, atomically.</summary>
public static class PlotFile
{
    public static void SavePng(ScottPlot.Plot plot, string path, int width = 800, int height = 500)
    {
        byte[] png = plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, png);
    }
}
