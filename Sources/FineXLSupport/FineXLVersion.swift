/// The version of FineXL, shown by `finexl --version`, written into report provenance
/// and part of cache keys.
package enum FineXLVersion {
    package static let current = "0.1.0"
}
