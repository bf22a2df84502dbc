import FineXLCore
import FineXLSupport
import Foundation

/// A `.safetensors` file mapped into memory: an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range, then
/// the raw data. Float32 tensors are read in place from the mapping (so the
/// weights of a 600 MB model cost page cache, not heap); float16 and bfloat16
/// tensors are widened to float32 copies on first request.
package final class SafeTensors: @unchecked Sendable {
    enum DType: String {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"

        var byteWidth: Int { self == .f32 ? 4 : 2 }
    }

    struct Entry {
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    let url: URL
    /// The JSON header exactly as stored (part of the model's identity).
    let headerBytes: [UInt8]
    let entries: [String: Entry]
    let fileSize: Int
    private let mapping: UnsafeMutableRawPointer
    private let dataOffset: Int
    private var widened: [UnsafeMutableBufferPointer<Float>] = []
    private let lock = NSLock()

    init(contentsOf url: URL) throws {
        self.url = url
        let name = url.lastPathComponent
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw FineXLError("\(url.path): cannot open the weights file (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw FineXLError("\(url.path): cannot read the file size")
        }
        fileSize = Int(status.st_size)
        guard fileSize >= 8 else {
            throw FineXLError("\(name): truncated safetensors file (\(fileSize) bytes, no header length)")
        }
        guard let mapped = mmap(nil, fileSize, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw FineXLError("\(url.path): cannot map the weights file into memory")
        }
        mapping = mapped
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(mapped.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(i)) }
        guard declared <= UInt64(Self.maxHeaderBytes) else {
            munmap(mapped, fileSize)
            throw FineXLError("\(name): the safetensors header says it is \(declared) bytes; more than \(Self.maxHeaderBytes) is not read")
        }
        let headerLength = Int(declared)
        guard headerLength > 0, headerLength <= fileSize - 8 else {
            munmap(mapped, fileSize)
            throw FineXLError("\(name): truncated safetensors header (says \(headerLength) bytes, file has \(fileSize - 8) after the length)")
        }
        dataOffset = 8 + headerLength
        headerBytes = Array(UnsafeRawBufferPointer(start: mapped + 8, count: headerLength))
        do {
            entries = try Self.parseHeader(headerBytes, name: name, dataLength: fileSize - dataOffset)
        } catch {
            munmap(mapped, fileSize)
            throw error
        }
    }

    /// Random weights of the given shapes in an anonymous mapping, laid out as a
    /// file would be: for benchmarks at real sizes without a real model.
    package init(randomTensors shapes: [(name: String, shape: [Int])], seed: UInt64) {
        url = URL(fileURLWithPath: "random-weights.safetensors")
        var entries: [String: Entry] = [:]
        var offset = 0
        var header = "{"
        for (name, shape) in shapes {
            let bytes = shape.reduce(4, *)
            entries[name] = Entry(dtype: DType.f32.rawValue, shape: shape, begin: offset, end: offset + bytes)
            header += "\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes)]},"
            offset += bytes
        }
        header.removeLast()
        header += "}"
        self.entries = entries
        headerBytes = Array(header.utf8)
        dataOffset = 0
        fileSize = max(offset, 4)
        mapping = mmap(nil, fileSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let base = mapping
        let jobs = shapes.map { entries[$0.name]! }
        Parallel.slices(jobs.count) { range in
            for index in range {
                let entry = jobs[index]
                let values = base.advanced(by: entry.begin).assumingMemoryBound(to: Float.self)
                let count = (entry.end - entry.begin) / 4
                let name = shapes[index].name
                // Layer-norm gains 1, small biases, weights scaled by 1/√fan-in
                // so activations stay in range (no overflow, no denormals).
                let isGain = name.hasSuffix(".weight") && (name.contains("norm") || name.contains("layrnorm"))
                let scale: Float = name.hasSuffix(".bias") ? 0.02
                    : (entry.shape.count >= 2 ? 1 / Float(entry.shape.dropFirst().reduce(1, *)).squareRoot() : 0.5)
                var state = seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 | 1
                for i in 0..<count {
                    if isGain {
                        values[i] = 1
                        continue
                    }
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                    let unit = Float(state >> 40) / Float(1 << 24) * 2 - 1
                    values[i] = unit * scale * 1.7320508
                }
            }
        }
    }

    deinit {
        for buffer in widened { buffer.deallocate() }
        munmap(mapping, fileSize)
    }

    /// The reference implementation's bound on the JSON header; real headers are a few hundred KB.
    static let maxHeaderBytes = 100_000_000

    /// Bytes per element of the dtypes the safetensors format defines.
    static let dtypeWidths: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
        "U32": 4, "I32": 4, "F32": 4, "U64": 8, "I64": 8, "F64": 8,
    ]

    /// Parses the JSON header; every size and offset is checked as an exact whole number inside
    /// the data (JSON numbers ≥ 2^64 or with a fraction would otherwise be truncated), and each
    /// tensor's byte range must hold exactly its shape in its dtype.
    static func parseHeader(_ bytes: [UInt8], name: String, dataLength: Int) throws -> [String: Entry] {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw FineXLError("\(name): the safetensors header is not valid JSON (truncated or corrupt file)")
        }
        guard let object = json as? [String: Any] else {
            throw FineXLError("\(name): the safetensors header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        for (key, value) in object where key != "__metadata__" {
            guard let fields = value as? [String: Any],
                  let dtype = fields["dtype"] as? String,
                  let rawShape = fields["shape"] as? [Any],
                  let rawOffsets = fields["data_offsets"] as? [Any],
                  rawOffsets.count == 2
            else {
                throw FineXLError("\(name): tensor '\(key)' has a malformed header entry")
            }
            let offsets = rawOffsets.compactMap { JSONNumber.whole($0, from: 0, to: dataLength) }
            guard offsets.count == 2, offsets[0] <= offsets[1] else {
                throw FineXLError("\(name): tensor '\(key)' has data_offsets \(rawOffsets.map { "\($0)" }) that are not whole numbers inside the data (\(dataLength) bytes); the file is truncated or corrupt")
            }
            let shape = rawShape.compactMap { JSONNumber.whole($0, from: 0, to: dataLength) }
            guard shape.count == rawShape.count else {
                throw FineXLError("\(name): tensor '\(key)' has shape \(rawShape.map { "\($0)" }) that is not a list of whole sizes")
            }
            guard let width = dtypeWidths[dtype] else {
                throw FineXLError("\(name): tensor '\(key)' has unknown dtype \(dtype)")
            }
            var (bytes, overflow) = (width, false)
            for size in shape where !overflow {
                (bytes, overflow) = bytes.multipliedReportingOverflow(by: size)
            }
            guard !overflow, bytes == offsets[1] - offsets[0] else {
                throw FineXLError("\(name): tensor '\(key)' holds \(offsets[1] - offsets[0]) bytes, but shape \(shape) in \(dtype) needs \(overflow ? "more than can be addressed" : String(bytes))")
            }
            entries[key] = Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
        }
        return entries
    }

    /// The tensor as float32 values, checked against the shape the config implies.
    func floats(_ key: String, shape expected: [Int]) throws -> UnsafeBufferPointer<Float> {
        let name = url.lastPathComponent
        guard let entry = entries[key] else {
            throw FineXLError("\(name): tensor '\(key)' is missing")
        }
        guard entry.shape == expected else {
            throw FineXLError("\(name): tensor '\(key)' has shape \(entry.shape), the config implies \(expected)")
        }
        guard let dtype = DType(rawValue: entry.dtype) else {
            throw FineXLError("\(name): tensor '\(key)' has dtype \(entry.dtype); only F32, F16 and BF16 are supported")
        }
        let count = expected.reduce(1, *)
        guard entry.end - entry.begin == count * dtype.byteWidth else {
            throw FineXLError("\(name): tensor '\(key)' holds \(entry.end - entry.begin) bytes, shape \(expected) in \(dtype.rawValue) needs \(count * dtype.byteWidth)")
        }
        let source = UnsafeRawPointer(mapping) + dataOffset + entry.begin
        if dtype == .f32, Int(bitPattern: source) % MemoryLayout<Float>.alignment == 0 {
            return UnsafeBufferPointer(start: source.assumingMemoryBound(to: Float.self), count: count)
        }
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        switch dtype {
        case .f32:
            for i in 0..<count { copy[i] = Float(bitPattern: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
        case .f16:
            for i in 0..<count { copy[i] = Float(Float16(bitPattern: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .bf16:
            for i in 0..<count {
                copy[i] = Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        }
        lock.lock()
        widened.append(copy)
        lock.unlock()
        return UnsafeBufferPointer(copy)
    }

    /// SHA-256 over the file size, the header and 64 evenly spaced 4 KiB samples
    /// of the data: any re-export, dtype change or retraining changes it, and it
    /// costs milliseconds even for a 1.7 GB ViT-L/14.
    func contentDigest() -> String {
        var hasher = FineXLSupport.SHA256()
        hasher.update(String(fileSize))
        hasher.update(headerBytes)
        let dataLength = fileSize - dataOffset
        let sampleLength = 4096
        let samples = 64
        let base = UnsafeRawPointer(mapping) + dataOffset
        if dataLength <= samples * sampleLength {
            hasher.update(UnsafeRawBufferPointer(start: base, count: dataLength))
        } else {
            let stride = (dataLength - sampleLength) / (samples - 1)
            for i in 0..<samples {
                hasher.update(UnsafeRawBufferPointer(start: base + i * stride, count: sampleLength))
            }
        }
        return hasher.finalizeHex()
    }
}
