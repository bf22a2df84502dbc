import FineXLCore
import FineXLSupport
import Foundation

/// NumPy `.npy` files holding one 2-D matrix of embeddings: written as
/// little-endian float32 in C order; read from float32, float64 or float16.
package enum NPY {
    /// Writes `rows` (all the same length) as a float32 `[N, D]` array, atomically.
    package static func write(_ rows: [[Float]], to url: URL) throws {
        let columns = rows.first?.count ?? 0
        if let bad = rows.firstIndex(where: { $0.count != columns }) {
            throw FineXLError("\(url.path): row \(bad) has \(rows[bad].count) values, row 0 has \(columns)")
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows.count), \(columns)), }"
        // Magic (6) + version (2) + length (2) + header + newline, padded to 64 bytes.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + rows.count * columns * 4)
        for row in rows {
            for value in row {
                let bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
            }
        }
        try AtomicFile.write(data, to: url)
    }

    /// Reads a 2-D (or 1-D, as one row) float array.
    package static func read(contentsOf url: URL) throws -> [[Float]] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw FineXLError("\(url.path): cannot read")
        }
        return try parse([UInt8](data), name: url.path)
    }

    /// Parses the bytes of a `.npy` file; `name` is used in error messages.
    package static func parse(_ bytes: [UInt8], name: String) throws -> [[Float]] {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw FineXLError("\(name): not a NumPy .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerStart: Int
        let headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw FineXLError("\(name): truncated .npy header") }
            headerStart = 12
            headerLength = (8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }
        default:
            throw FineXLError("\(name): unsupported .npy version \(major)")
        }
        guard headerStart + headerLength <= bytes.count,
              let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) ?? String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .isoLatin1)
        else {
            throw FineXLError("\(name): truncated .npy header")
        }
        guard let descr = value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) else {
            throw FineXLError("\(name): .npy header has no 'descr'")
        }
        let width: Int
        switch descr {
        case "<f4", "|f4", "=f4": width = 4
        case "<f8", "=f8": width = 8
        case "<f2", "=f2": width = 2
        default:
            throw FineXLError("\(name): .npy dtype \(descr) is not supported (little-endian float16, float32 or float64)")
        }
        if value(of: "fortran_order", in: header) == "True" {
            throw FineXLError("\(name): Fortran-ordered .npy arrays are not supported; save in C order")
        }
        guard let shapeText = value(of: "shape", in: header) else {
            throw FineXLError("\(name): .npy header has no 'shape'")
        }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Int("…") is nil for a size beyond Int: such a size is refused below, like any non-number.
        let shape = dims.compactMap { Int($0) }
        guard shape.count == dims.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw FineXLError("\(name): .npy shape \(shapeText) is not a list of sizes")
        }
        let rows: Int
        let columns: Int
        switch shape.count {
        case 1: (rows, columns) = (1, shape[0])
        case 2: (rows, columns) = (shape[0], shape[1])
        default: throw FineXLError("\(name): .npy array has \(shape.count) dimensions; expected a 2-D [N, D] matrix")
        }
        // An embedding of no values is never usable, and a row count with no data behind it would
        // otherwise be allocated as that many empty rows.
        guard columns > 0 else {
            throw FineXLError("\(name): .npy shape \(shapeText) has rows of 0 values; each row must be an embedding")
        }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        // The sizes a header claims are checked against the data before anything is allocated.
        let (values, valuesOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (needed, neededOverflow) = values.multipliedReportingOverflow(by: width)
        guard !valuesOverflow, !neededOverflow, available >= needed else {
            let claim = valuesOverflow || neededOverflow ? "more bytes than can be addressed" : "\(needed) bytes"
            throw FineXLError("\(name): .npy data truncated (\(available) bytes, shape \(shapeText) needs \(claim))")
        }
        return bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            return (0..<rows).map { r in
                (0..<columns).map { c in
                    let offset = (r * columns + c) * width
                    switch width {
                    case 4: return Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    case 8: return Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
                    default: return Float(Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
                    }
                }
            }
        }
    }

    /// The text after `'key':` up to the next top-level comma of the header dict.
    private static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[range.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        var depth = 0
        var end = rest.startIndex
        while end < rest.endIndex {
            let ch = rest[end]
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if (ch == "," || ch == "}") && depth == 0 { break }
            end = rest.index(after: end)
        }
        return String(rest[rest.startIndex..<end]).trimmingCharacters(in: .whitespaces)
    }
}
