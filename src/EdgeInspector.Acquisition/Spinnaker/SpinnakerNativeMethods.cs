using System.Runtime.InteropServices;
using System.Text;

namespace EdgeInspector.Acquisition;

/// <summary>
/// The slice of the Spinnaker SDK's C API (SpinnakerC.h, SpinnakerGenApiC.h; <c>libSpinnaker_C.so</c>
/// in <c>/opt/spinnaker/lib</c>) that <see cref="SpinnakerCamera"/> uses. Every call returns a
/// <c>spinError</c> (0 = success); handles are opaque pointers; <c>bool8_t</c> is a byte;
/// <c>size_t</c> is <see cref="nuint"/>.
/// </summary>
internal static unsafe partial class SpinnakerNativeMethods
{
    internal const string Spinnaker = "libSpinnaker_C.so";

    internal const int Success = 0;
    internal const int ErrorTimeout = -1011;
    internal const int ErrorNotAvailable = -1014;

    // System and camera list.
    [LibraryImport(Spinnaker)]
    internal static partial int spinSystemGetInstance(out nint system);

    [LibraryImport(Spinnaker)]
    internal static partial int spinSystemReleaseInstance(nint system);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraListCreateEmpty(out nint list);

    [LibraryImport(Spinnaker)]
    internal static partial int spinSystemGetCameras(nint system, nint list);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraListGetSize(nint list, out nuint size);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraListGet(nint list, nuint index, out nint camera);

    [LibraryImport(Spinnaker, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int spinCameraListGetBySerial(nint list, string serial, out nint camera);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraListClear(nint list);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraListDestroy(nint list);

    // Camera.
    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraInit(nint camera);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraDeInit(nint camera);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraRelease(nint camera);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraGetNodeMap(nint camera, out nint nodeMap);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraGetTLDeviceNodeMap(nint camera, out nint nodeMap);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraGetTLStreamNodeMap(nint camera, out nint nodeMap);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraBeginAcquisition(nint camera);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraEndAcquisition(nint camera);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCameraGetNextImageEx(nint camera, ulong timeoutMs, out nint image);

    // Images.
    [LibraryImport(Spinnaker)]
    internal static partial int spinImageIsIncomplete(nint image, out byte incomplete);

    [LibraryImport(Spinnaker)]
    internal static partial int spinImageGetData(nint image, out nint data);

    [LibraryImport(Spinnaker)]
    internal static partial int spinImageGetWidth(nint image, out nuint width);

    [LibraryImport(Spinnaker)]
    internal static partial int spinImageGetHeight(nint image, out nuint height);

    [LibraryImport(Spinnaker)]
    internal static partial int spinImageGetStride(nint image, out nuint stride);

    [LibraryImport(Spinnaker)]
    internal static partial int spinImageGetFrameID(nint image, out ulong frameId);

    [LibraryImport(Spinnaker)]
    internal static partial int spinImageGetTimeStamp(nint image, out ulong timestampNs);

    [LibraryImport(Spinnaker)]
    internal static partial int spinImageRelease(nint image);

    // GenApi nodes.
    [LibraryImport(Spinnaker, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int spinNodeMapGetNode(nint nodeMap, string name, out nint node);

    [LibraryImport(Spinnaker)]
    internal static partial int spinNodeIsAvailable(nint node, out byte result);

    [LibraryImport(Spinnaker)]
    internal static partial int spinNodeIsReadable(nint node, out byte result);

    [LibraryImport(Spinnaker)]
    internal static partial int spinNodeIsWritable(nint node, out byte result);

    [LibraryImport(Spinnaker, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int spinEnumerationGetEntryByName(nint node, string name, out nint entry);

    [LibraryImport(Spinnaker)]
    internal static partial int spinEnumerationGetNumEntries(nint node, out nuint count);

    [LibraryImport(Spinnaker)]
    internal static partial int spinEnumerationGetEntryByIndex(nint node, nuint index, out nint entry);

    [LibraryImport(Spinnaker)]
    internal static partial int spinEnumerationGetCurrentEntry(nint node, out nint entry);

    [LibraryImport(Spinnaker)]
    internal static partial int spinEnumerationEntryGetIntValue(nint entry, out long value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinEnumerationEntryGetSymbolic(nint entry, byte* buffer, ref nuint length);

    [LibraryImport(Spinnaker)]
    internal static partial int spinEnumerationSetIntValue(nint node, long value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinFloatSetValue(nint node, double value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinFloatGetValue(nint node, out double value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinFloatGetMin(nint node, out double value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinFloatGetMax(nint node, out double value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinIntegerSetValue(nint node, long value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinIntegerGetValue(nint node, out long value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinIntegerGetMin(nint node, out long value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinIntegerGetMax(nint node, out long value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinIntegerGetInc(nint node, out long value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinBooleanSetValue(nint node, byte value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinBooleanGetValue(nint node, out byte value);

    [LibraryImport(Spinnaker)]
    internal static partial int spinCommandExecute(nint node);

    [LibraryImport(Spinnaker)]
    internal static partial int spinStringGetValue(nint node, byte* buffer, ref nuint length);

    [LibraryImport(Spinnaker)]
    internal static partial int spinErrorGetLastMessage(byte* buffer, ref nuint length);

    /// <summary>The SDK's message for the last error on this thread, or the code.</summary>
    internal static string LastError(int error)
    {
        const int Size = 512;
        byte* buffer = stackalloc byte[Size];
        nuint length = Size;
        try
        {
            if (spinErrorGetLastMessage(buffer, ref length) == Success)
            {
                string message = Text(buffer, Math.Min(length, (nuint)Size));
                if (message.Length > 0)
                {
                    return $"{message} (spinError {error})";
                }
            }
        }
        catch (EntryPointNotFoundException)
        {
            // Fall through to the code alone.
        }

        return $"spinError {error}";
    }

    internal static string? Symbolic(nint entry)
    {
        const int Size = 256;
        byte* buffer = stackalloc byte[Size];
        nuint length = Size;
        return spinEnumerationEntryGetSymbolic(entry, buffer, ref length) == Success ? Text(buffer, Math.Min(length, (nuint)Size)) : null;
    }

    internal static string? StringValue(nint node)
    {
        const int Size = 256;
        byte* buffer = stackalloc byte[Size];
        nuint length = Size;
        return spinStringGetValue(node, buffer, ref length) == Success ? Text(buffer, Math.Min(length, (nuint)Size)) : null;
    }

    /// <summary>A C string of at most <paramref name="length"/> bytes (the SDK counts the terminator).</summary>
    private static string Text(byte* buffer, nuint length)
    {
        var span = new ReadOnlySpan<byte>(buffer, (int)Math.Min(length, 4096));
        int end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? span[..end] : span);
    }
}
