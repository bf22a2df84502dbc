import FineXLSupport

/// Concepts the user names outright: `--concepts "a, b, c"` on the command line or a
/// notebook's `list: [..]`. (`--concepts vocabulary` and `--concepts vlm` are keywords
/// the caller handles before reaching here.)
package enum ConceptList {
    /// Splits a comma-separated list: trims each name, drops empty ones and drops
    /// case-insensitive repeats, keeping the first spelling.
    package static func parse(_ text: String) throws -> [String] {
        try parse(text.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }

    /// The same rules for a list that is already split (a YAML sequence).
    package static func parse(_ items: [String]) throws -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for item in items {
            let name = unquoted(collapseWhitespace(item))
            guard !name.isEmpty, seen.insert(name.lowercased()).inserted else { continue }
            names.append(name)
        }
        guard !names.isEmpty else {
            let shown = items.joined(separator: ",")
            throw FineXLError("concept list \"\(shown.prefix(80))\" names no concept; "
                + "give names separated by commas, e.g. \"warm tones, film grain\"")
        }
        return names
    }

    private static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Shell and YAML quoting sometimes survives into the list: `"warm tones", 'sepia'`.
    private static func unquoted(_ name: String) -> String {
        for quote in ["\"", "'"] where name.count >= 2 && name.hasPrefix(quote) && name.hasSuffix(quote) {
            return collapseWhitespace(String(name.dropFirst().dropLast()))
        }
        return name
    }
}
