/// Writes PNGs of any colour type and bit depth with chosen row filters, the zlib stream in stored
/// (uncompressed) blocks split over several IDAT chunks: files the whole-buffer path and libpng's
/// rows must decode alike, made without an encoder in between.
struct TestPNG {
    var width: Int
    var height: Int
    var colorType: UInt8
    var bitDepth: UInt8
    /// Samples row by row, `channels` per pixel, each below 2^bitDepth.
    var samples: [UInt16]
    /// Filter type (0…4) of each row.
    var filter: (Int) -> UInt8 = { UInt8($0 % 5) }
    var idatChunkSize = 97
    /// Chunks written between IHDR and the first IDAT.
    var extraChunks: [(type: String, data: [UInt8])] = []

    var channels: Int { [0: 1, 2: 3, 4: 2, 6: 4][Int(colorType)]! }

    var bytes: [UInt8] { bytes(adlerXor: 0) }

    /// With a non-zero `adlerXor` the zlib stream's checksum is wrong while every chunk CRC is right.
    func bytes(adlerXor: UInt32) -> [UInt8] {
        let sampleBytes = bitDepth == 16 ? 2 : 1
        let bpp = channels * sampleBytes
        let rowBytes = width * bpp
        var raw: [UInt8] = []
        for value in samples {
            if sampleBytes == 2 { raw.append(UInt8(value >> 8)) }
            raw.append(UInt8(truncatingIfNeeded: value))
        }
        var filtered: [UInt8] = []
        for y in 0..<height {
            let type = filter(y)
            filtered.append(type)
            for i in 0..<rowBytes {
                let a = i >= bpp ? Int(raw[y * rowBytes + i - bpp]) : 0
                let b = y > 0 ? Int(raw[(y - 1) * rowBytes + i]) : 0
                let c = y > 0 && i >= bpp ? Int(raw[(y - 1) * rowBytes + i - bpp]) : 0
                let prediction: Int
                switch type {
                case 1: prediction = a
                case 2: prediction = b
                case 3: prediction = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    prediction = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: prediction = 0
                }
                filtered.append(UInt8(truncatingIfNeeded: Int(raw[y * rowBytes + i]) - prediction))
            }
        }

        var zlib: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65535, filtered.count)
            let length = UInt16(end - start)
            zlib += [end == filtered.count ? 1 : 0, UInt8(length & 0xFF), UInt8(length >> 8),
                     UInt8(~length & 0xFF), UInt8(~length >> 8)]
            zlib += filtered[start..<end]
            start = end
        } while start < filtered.count
        zlib += Self.bigEndian(Self.adler32(filtered) ^ adlerXor)

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += Self.chunk("IHDR", Self.bigEndian(UInt32(width)) + Self.bigEndian(UInt32(height))
                          + [bitDepth, colorType, 0, 0, 0])
        for extra in extraChunks { png += Self.chunk(extra.type, extra.data) }
        for at in stride(from: 0, to: zlib.count, by: idatChunkSize) {
            png += Self.chunk("IDAT", Array(zlib[at..<min(at + idatChunkSize, zlib.count)]))
        }
        png += Self.chunk("IEND", [])
        return png
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }
}
