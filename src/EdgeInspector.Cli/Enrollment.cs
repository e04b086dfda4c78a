using EdgeInspector.Core;
using EdgeInspector.Enrollment;
using EdgeInspector.Imaging;

namespace EdgeInspector.Cli;

/// <summary>
/// <c>edge-inspector enroll</c>: the good images of a folder through the agent's preprocessing,
/// then <see cref="MemoryBankEnrollment"/> (the same code the agent's cmd/enroll runs).
/// </summary>
public static class Enrollment
{
    public static EnrollmentResult Run(string packageDirectory, string goodDirectory, string outDirectory, int maxBank = 4096, Action<string>? log = null)
    {
        try
        {
            var source = ModelPackage.Load(packageDirectory);
            MemoryBankEnrollment.CheckEnrollable(source);
            var goods = InspectionDataset.Images(goodDirectory);
            var inputs = new List<byte[]>(goods.Count);
            using (var files = new ImageFileInput())
            {
                (string File, int Width, int Height)? first = null;
                foreach (string file in goods)
                {
                    var input = source.Manifest.Input;
                    byte[] prepared = new byte[input.Width * input.Height * 3];
                    if (!files.TryWrite(file, input, prepared))
                    {
                        throw ServingPath.Unreadable(file);
                    }

                    var (w, h) = files.LastImageSize;
                    first ??= (file, w, h);
                    if ((w, h) != (first.Value.Width, first.Value.Height))
                    {
                        throw new CliException($"good images of mixed sizes: '{file}' is {w}x{h} but '{first.Value.File}' is {first.Value.Width}x{first.Value.Height}. Each size is squashed differently into the model's {input.Width}x{input.Height} input, so the bank would learn the squashing; enroll on images of one camera setup (crop or resize them to one size first)");
                    }

                    inputs.Add(prepared);
                }
            }

            var settings = new EnrollmentSettings { MaxBank = maxBank, Note = $"enrolled by edge-inspector on {goods.Count} good images", Log = log };
            return MemoryBankEnrollment.Write(source, inputs, outDirectory, settings);
        }
        catch (Exception e) when (e is EnrollmentException or ModelPackageException)
        {
            throw new CliException(e.Message, e);
        }
    }
}
