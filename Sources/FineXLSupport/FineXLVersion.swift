/// The version of FineXL, shown by `finexl --version`, written into report provenance
/// and part of cache keys.
public enum FineXLVersion {
    public static let current = "0.1.0"
}
