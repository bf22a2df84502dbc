/// Text made safe to print on a terminal.
package enum TerminalText {
    /// `text` with every control character escaped, so a file name cannot move the cursor,
    /// change colours, set the window title or hide what follows it: C0 controls (tab and
    /// newline included, so call it on a message without its final newline), DEL, C1 controls
    /// and the bidirectional overrides become `\u{XX}`. For raw bytes that are not UTF-8 see `escapedName`.
    package static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// C0, DEL, C1, line/paragraph separators and bidirectional embeddings, overrides and isolates.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value)
            || value == 0x2028 || value == 0x2029 || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    /// A file name from raw bytes: valid UTF-8 as text (made `safe`), any other byte as `\xNN`.
    package static func escapedName(bytes: [UInt8]) -> String {
        var result = ""
        var index = 0
        while index < bytes.count {
            // Decode the longest valid UTF-8 run from here.
            var end = index
            var decoded: String?
            for length in 1...4 where index + length <= bytes.count {
                if let text = String(validating: bytes[index..<(index + length)], as: UTF8.self) {
                    decoded = text
                    end = index + length
                    break
                }
            }
            if let decoded {
                result += safe(decoded)
                index = end
            } else {
                result += "\\x" + (bytes[index] < 16 ? "0" : "") + String(bytes[index], radix: 16, uppercase: true)
                index += 1
            }
        }
        return result
    }
}
