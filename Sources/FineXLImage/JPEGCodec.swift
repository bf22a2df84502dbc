import CJPEG
import FineXLSupport

/// The one place that talks to libjpeg (through the CJPEG shim, which catches libjpeg's fatal
/// errors with setjmp in C). No C pointer leaves this file.
enum JPEGCodec {
    /// Decodes baseline and progressive JPEGs, gray or colour (CMYK is converted without a
    /// profile), reduced by `reduction`'s factor as the rows are decoded, as PNG rows are: the
    /// full-size pixels never exist at once. The corresponding C functions are
    /// `cjpeg_reader_open`, `cjpeg_reader_read_rows` and `cjpeg_reader_finish`.
    static func decode(bytes: [UInt8], name: String, reduction: BoxReduction) throws -> ReducedImage {
        try bytes.withUnsafeBufferPointer { data in
            var opened: OpaquePointer?
            var width: UInt32 = 0, height: UInt32 = 0
            try call(name) { cjpeg_reader_open(data.baseAddress, data.count, sizeCheck, &opened, &width, &height, $0) }
            let reader = opened!
            defer { cjpeg_reader_free(reader) }

            var reducer = BoxReducer(width: Int(width), height: Int(height),
                                     factor: reduction.factor(width: Int(width), height: Int(height)))
            let rowBytes = Int(width) * 3
            let batch = max(1, min(Int(height), 16_384 / rowBytes))
            let rows = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: rowBytes * batch)
            defer { rows.deallocate() }
            let scale: Float = 1 / 255
            var y = 0
            while y < Int(height) {
                let count = min(batch, Int(height) - y)
                try call(name) { cjpeg_reader_read_rows(reader, rows.baseAddress, UInt32(count), $0) }
                for row in 0..<count {
                    let bytes = UnsafeBufferPointer(rebasing: rows[(row * rowBytes)..<((row + 1) * rowBytes)])
                    reducer.addRow { out in
                        for i in 0..<rowBytes { out[i] = Float(bytes[i]) * scale }
                    }
                }
                y += count
            }
            try call(name) { cjpeg_reader_finish(reader, $0) }
            return reducer.reduced()
        }
    }

    /// Runs one C call with a message buffer; a non-zero status becomes an error naming the file.
    private static func call(_ name: String, _ body: (UnsafeMutablePointer<CChar>) -> Int32) throws {
        let (status, text) = CMessage.call(capacity: CJPEG_MESSAGE_CAPACITY, body)
        if status == CJPEG_OVER_LIMIT { throw FineXLError("\(name) is \(text)") }
        guard status == 0 else { throw FineXLError("\(name) is not a valid JPEG (\(text))") }
    }

    /// `ImageLimits`, asked by the C decoder with the size the frame header declares.
    private static let sizeCheck: cjpeg_size_check = { width, height, message in
        guard let problem = ImageLimits.problem(width: Int(width), height: Int(height)) else { return 0 }
        CMessage.write(problem, to: message!, capacity: CJPEG_MESSAGE_CAPACITY)
        return 1
    }
}
