using System.Runtime.InteropServices;

namespace EdgeInspector.Acquisition;

/// <summary>
/// The slice of libaravis 0.8 (GenICam: GigE Vision and USB3 Vision) that <see cref="AravisCamera"/>
/// uses, plus the GLib/GObject calls that free what it returns. Every <c>GError**</c> is a
/// <c>ref nint</c> that must start at zero; booleans are <c>gboolean</c> (int).
/// </summary>
internal static partial class AravisNativeMethods
{
    internal const string Aravis = "libaravis-0.8.so.0";
    private const string GObject = "libgobject-2.0.so.0";
    private const string GLib = "libglib-2.0.so.0";

    internal const int AcquisitionModeContinuous = 1;
    internal const int BufferStatusSuccess = 0;

    // Discovery.
    [LibraryImport(Aravis)]
    internal static partial void arv_update_device_list();

    [LibraryImport(Aravis)]
    internal static partial uint arv_get_n_devices();

    [LibraryImport(Aravis)]
    internal static partial nint arv_get_device_id(uint index);

    [LibraryImport(Aravis)]
    internal static partial nint arv_get_device_physical_id(uint index);

    [LibraryImport(Aravis)]
    internal static partial nint arv_get_device_address(uint index);

    [LibraryImport(Aravis)]
    internal static partial nint arv_get_device_serial_nbr(uint index);

    [LibraryImport(Aravis)]
    internal static partial nint arv_get_device_model(uint index);

    // Camera.
    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint arv_camera_new(string? name, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial nint arv_camera_get_device_id(nint camera, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int arv_camera_is_feature_available(nint camera, string feature, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void arv_camera_set_string(nint camera, string feature, string value, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint arv_camera_get_string(nint camera, string feature, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void arv_camera_set_integer(nint camera, string feature, long value, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long arv_camera_get_integer(nint camera, string feature, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void arv_camera_get_integer_bounds(nint camera, string feature, out long min, out long max, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long arv_camera_get_integer_increment(nint camera, string feature, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void arv_camera_set_float(nint camera, string feature, double value, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial double arv_camera_get_float(nint camera, string feature, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void arv_camera_get_float_bounds(nint camera, string feature, out double min, out double max, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void arv_camera_set_boolean(nint camera, string feature, int value, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int arv_camera_get_boolean(nint camera, string feature, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint arv_camera_dup_available_enumerations_as_strings(nint camera, string feature, out uint count, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void arv_camera_set_pixel_format_from_string(nint camera, string format, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial nint arv_camera_get_pixel_format_as_string(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_get_sensor_size(nint camera, out int width, out int height, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_set_region(nint camera, int x, int y, int width, int height, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_get_region(nint camera, out int x, out int y, out int width, out int height, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_get_width_bounds(nint camera, out int min, out int max, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_get_height_bounds(nint camera, out int min, out int max, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial int arv_camera_is_exposure_time_available(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_set_exposure_time(nint camera, double value, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial double arv_camera_get_exposure_time(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_get_exposure_time_bounds(nint camera, out double min, out double max, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial int arv_camera_is_gain_available(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_set_gain(nint camera, double value, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial double arv_camera_get_gain(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_get_gain_bounds(nint camera, out double min, out double max, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial int arv_camera_is_frame_rate_available(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_set_frame_rate(nint camera, double value, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial double arv_camera_get_frame_rate(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_get_frame_rate_bounds(nint camera, out double min, out double max, ref nint error);

    [LibraryImport(Aravis, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void arv_camera_set_trigger(nint camera, string source, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_clear_triggers(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_software_trigger(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_set_acquisition_mode(nint camera, int mode, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial uint arv_camera_get_payload(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial nint arv_camera_create_stream(nint camera, nint callback, nint userData, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_start_acquisition(nint camera, ref nint error);

    [LibraryImport(Aravis)]
    internal static partial void arv_camera_stop_acquisition(nint camera, ref nint error);

    // Stream and buffers.
    [LibraryImport(Aravis)]
    internal static partial void arv_stream_push_buffer(nint stream, nint buffer);

    [LibraryImport(Aravis)]
    internal static partial nint arv_stream_timeout_pop_buffer(nint stream, ulong timeoutUs);

    [LibraryImport(Aravis)]
    internal static partial nint arv_buffer_new(nuint size, nint preallocated);

    [LibraryImport(Aravis)]
    internal static partial int arv_buffer_get_status(nint buffer);

    [LibraryImport(Aravis)]
    internal static partial nint arv_buffer_get_data(nint buffer, out nuint size);

    [LibraryImport(Aravis)]
    internal static partial ulong arv_buffer_get_frame_id(nint buffer);

    [LibraryImport(Aravis)]
    internal static partial ulong arv_buffer_get_timestamp(nint buffer);

    [LibraryImport(Aravis)]
    internal static partial ulong arv_buffer_get_system_timestamp(nint buffer);

    [LibraryImport(Aravis)]
    internal static partial int arv_buffer_get_image_width(nint buffer);

    [LibraryImport(Aravis)]
    internal static partial int arv_buffer_get_image_height(nint buffer);

    // GLib / GObject.
    [LibraryImport(GObject)]
    internal static partial void g_object_unref(nint instance);

    [LibraryImport(GLib)]
    internal static partial void g_error_free(nint error);

    [LibraryImport(GLib)]
    internal static partial void g_free(nint memory);

    /// <summary>The message of a GError (struct { GQuark domain; gint code; gchar *message; }), freed.</summary>
    internal static string TakeError(nint error)
    {
        if (error == 0)
        {
            return "";
        }

        string message = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(error, 8)) ?? "(no message)";
        g_error_free(error);
        return message;
    }

    internal static string? Utf8(nint text) => text == 0 ? null : Marshal.PtrToStringUTF8(text);
}
