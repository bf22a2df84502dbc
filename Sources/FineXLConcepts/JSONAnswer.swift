import Foundation

/// Finds the JSON a model meant to send inside what it actually sent: models asked for
/// JSON still wrap it in prose ("Here are the differences: {...}") or in ``` code fences.
enum JSONAnswer {
    /// The first balanced `{...}` in the text that parses as a JSON object.
    static func firstObject(in text: String) -> [String: Any]? {
        let bytes = Array(text.utf8)
        var start = 0
        while let open = bytes[start...].firstIndex(of: UInt8(ascii: "{")) {
            if let close = matchingBrace(in: bytes, from: open),
               let object = try? JSONSerialization.jsonObject(with: Data(bytes[open...close])) as? [String: Any]
            {
                return object
            }
            start = open + 1
        }
        return nil
    }

    /// The index of the `}` closing the `{` at `open`, skipping braces inside strings.
    private static func matchingBrace(in bytes: [UInt8], from open: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for index in open..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// At most `limit` characters of an answer on one line, for error messages.
    static func quote(_ text: String, limit: Int = 80) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return oneLine.count > limit ? String(oneLine.prefix(limit)) + "…" : oneLine
    }
}
