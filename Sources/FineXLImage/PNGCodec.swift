import CPNG
import FineXLSupport

/// The one place that talks to libpng (through the CPNG shim, which keeps libpng's
/// setjmp/longjmp error handling in C). No C pointer leaves this file.
enum PNGCodec {
    /// Decodes any PNG kind, reduced by `reduction`'s factor as its rows are decoded; alpha
    /// (channel or tRNS) is composited on white. Well-formed files of the common kinds are inflated
    /// whole at once unless `wholeBuffer` is false (tests compare that with libpng's rows). The
    /// corresponding C functions are `cpng_reader_open`, `cpng_reader_read_rows` and `cpng_reader_finish`.
    static func decode(bytes: [UInt8], name: String, reduction: BoxReduction,
                       wholeBuffer: Bool = true) throws -> ReducedImage {
        try bytes.withUnsafeBufferPointer { data in
            var opened: OpaquePointer?
            var layout = cpng_layout()
            try call(name) {
                cpng_reader_open(data.baseAddress, data.count, sizeCheck, wholeBuffer ? 1 : 0, &opened, &layout, $0)
            }
            let reader = opened!
            defer { cpng_reader_free(reader) }

            let width = Int(layout.width), height = Int(layout.height)
            var reducer = BoxReducer(width: width, height: height,
                                     factor: reduction.factor(width: width, height: height))
            if layout.wide != 0 {
                try readRows(reader, of: UInt16.self, channels: Int(layout.channels), into: &reducer, name: name)
            } else {
                try readRows(reader, of: UInt8.self, channels: Int(layout.channels), into: &reducer, name: name)
            }
            try call(name) { cpng_reader_finish(reader, $0) }
            return reducer.reduced()
        }
    }

    /// Whether `bytes` are a well-formed file of a kind that is inflated whole rather than by
    /// libpng's rows (tests check the fast path is the one taken).
    static func inflatesWhole(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { data in
            var opened: OpaquePointer?
            var layout = cpng_layout()
            let opening = CMessage.call(capacity: CPNG_MESSAGE_CAPACITY) {
                cpng_reader_open(data.baseAddress, data.count, sizeCheck, 1, &opened, &layout, $0)
            }
            guard opening.status == 0 else { return false }
            cpng_reader_free(opened)
            return layout.whole_buffer != 0
        }
    }

    /// Every row of an open reader, a few per call so they are reduced while still in cache.
    private static func readRows<Sample: FixedWidthInteger & UnsignedInteger>(
        _ reader: OpaquePointer, of _: Sample.Type, channels: Int, into reducer: inout BoxReducer, name: String
    ) throws {
        let height = reducer.sourceHeight
        let samplesPerRow = reducer.sourceWidth * channels
        let batch = max(1, min(height, 16_384 / (samplesPerRow * MemoryLayout<Sample>.size)))
        let rows = UnsafeMutableBufferPointer<Sample>.allocate(capacity: samplesPerRow * batch)
        defer { rows.deallocate() }
        var y = 0
        while y < height {
            let count = min(batch, height - y)
            try call(name) { cpng_reader_read_rows(reader, rows.baseAddress, UInt32(count), $0) }
            for row in 0..<count {
                let samples = UnsafeBufferPointer(rebasing: rows[(row * samplesPerRow)..<((row + 1) * samplesPerRow)])
                reducer.addRow { composite(samples, channels: channels, into: $0) }
            }
            y += count
        }
    }

    /// `ImageLimits`, asked by the C reader with the size a header declares.
    private static let sizeCheck: cpng_size_check = { width, height, interlaced, message in
        guard let problem = ImageLimits.problem(width: Int(width), height: Int(height), interlaced: interlaced != 0)
        else { return 0 }
        CMessage.write(problem, to: message!, capacity: CPNG_MESSAGE_CAPACITY)
        return 1
    }

    /// Runs one C call with a message buffer; a non-zero status becomes an error naming the file.
    private static func call(_ name: String, _ body: (UnsafeMutablePointer<CChar>) -> Int32) throws {
        let (status, text) = CMessage.call(capacity: CPNG_MESSAGE_CAPACITY, body)
        if status == CPNG_OVER_LIMIT { throw FineXLError("\(name) is \(text)") }
        guard status == 0 else { throw FineXLError("\(name) is not a valid PNG (\(text))") }
    }

    /// One row of RGB or RGBA samples to RGB floats, alpha composited on white.
    private static func composite<Sample: FixedWidthInteger & UnsignedInteger>(
        _ samples: UnsafeBufferPointer<Sample>, channels: Int, into out: UnsafeMutableBufferPointer<Float>
    ) {
        let scale = 1 / Float(Sample.max)
        if channels == 4 {
            for i in 0..<(samples.count / 4) {
                let alpha = Float(samples[4 * i + 3]) * scale
                let white = 1 - alpha
                out[3 * i] = Float(samples[4 * i]) * scale * alpha + white
                out[3 * i + 1] = Float(samples[4 * i + 1]) * scale * alpha + white
                out[3 * i + 2] = Float(samples[4 * i + 2]) * scale * alpha + white
            }
            return
        }
        // Opaque: exactly what an alpha sample of Sample.max composites to (for 8 bits, v·1 + 0 = v).
        let alpha = Float(Sample.max) * scale
        let white = 1 - alpha
        if alpha == 1 && white == 0 {
            for i in 0..<samples.count { out[i] = Float(samples[i]) * scale }
        } else {
            for i in 0..<samples.count { out[i] = Float(samples[i]) * scale * alpha + white }
        }
    }

    /// Encodes 8-bit RGB (3 channels) or RGBA (4 channels) rows.
    /// The corresponding C function is `cpng_encode`.
    static func encode(width: Int, height: Int, channels: Int, samples: [UInt8]) throws -> [UInt8] {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw FineXLError("cannot write a PNG of \(width) x \(height) pixels")
        }
        guard samples.count == width * height * channels else {
            throw FineXLError("cannot write a PNG of \(width) x \(height) pixels from \(samples.count) values; "
                + "expected \(width * height * channels)")
        }
        var encoded = cpng_encoded()
        let (status, text) = samples.withUnsafeBufferPointer { data in
            CMessage.call(capacity: CPNG_MESSAGE_CAPACITY) {
                cpng_encode(data.baseAddress, UInt32(width), UInt32(height), Int32(channels), &encoded, $0)
            }
        }
        guard status == 0 else {
            throw FineXLError("cannot write a PNG: \(text)")
        }
        defer { cpng_encoded_free(&encoded) }
        return Array(UnsafeBufferPointer(start: encoded.bytes, count: encoded.count))
    }
}
