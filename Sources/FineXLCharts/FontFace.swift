import CFreeType
import FineXLSupport
import Foundation

/// Text coverage, 0...1 per pixel, for one line of text; `baseline` is the row of the
/// baseline and `originX` the column where the pen started.
struct TextMask {
    let width: Int
    let height: Int
    let coverage: [Float]
    let originX: Int
    let baseline: Int
}

/// The one place that talks to FreeType: a TrueType face at one pixel size, with a glyph cache.
/// Not shared between threads; each chart render opens its own.
final class FontFace {
    private struct Glyph {
        let width: Int
        let rows: Int
        let left: Int
        let top: Int
        /// Pen advance in 1/64 pixel.
        let advance: Int
        let coverage: [Float]
    }

    let path: String
    private var library: FT_Library?
    private var face: FT_Face?
    private var cacheBySize: [Int: [UInt32: Glyph]] = [:]
    private var indexByCharacter: [UInt32: UInt32] = [:]
    private let hasKerning: Bool

    /// Opens the font file. The corresponding C functions are `FT_Init_FreeType` and `FT_New_Face`.
    init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw FineXLError("font \(path) does not exist; install DejaVu Sans (Debian: fonts-dejavu-core)")
        }
        var library: FT_Library?
        guard FT_Init_FreeType(&library) == 0, let library else {
            throw FineXLError("FreeType could not start to read font \(path)")
        }
        self.library = library
        var face: FT_Face?
        guard FT_New_Face(library, path, 0, &face) == 0, let face else {
            FT_Done_FreeType(library)
            self.library = nil
            throw FineXLError("font \(path) is not a font FreeType can read")
        }
        self.face = face
        hasKerning = face.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING) != 0
    }

    deinit {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
    }

    /// Horizontal extent of `text` at `pixelSize`, in pixels.
    func width(of text: String, pixelSize: Int) throws -> Double {
        var pen = 0
        var previous: UInt32?
        for scalar in text.unicodeScalars {
            let index = glyphIndex(scalar)
            pen += kerning(previous, index, pixelSize: pixelSize)
            pen += try glyph(index, pixelSize: pixelSize).advance
            previous = index
        }
        return Double(pen) / 64
    }

    /// Ascender and descender (positive below the baseline) of the face at `pixelSize`, in pixels.
    func verticalMetrics(pixelSize: Int) throws -> (ascent: Double, descent: Double) {
        guard let face else { return (0, 0) }
        try setSize(pixelSize)
        let metrics = face.pointee.size.pointee.metrics
        return (Double(metrics.ascender) / 64, Double(-metrics.descender) / 64)
    }

    /// Renders one line of text into a coverage mask.
    /// The corresponding C functions are `FT_Load_Glyph` and `FT_Render_Glyph`.
    func mask(of text: String, pixelSize: Int) throws -> TextMask {
        let (ascent, descent) = try verticalMetrics(pixelSize: pixelSize)
        var placements: [(glyph: Glyph, x: Int)] = []
        var pen = 0
        var previous: UInt32?
        var minX = 0
        var maxX = 0
        var top = Int(ascent.rounded(.up))
        var bottom = Int(descent.rounded(.up))
        for scalar in text.unicodeScalars {
            let index = glyphIndex(scalar)
            pen += kerning(previous, index, pixelSize: pixelSize)
            let glyph = try glyph(index, pixelSize: pixelSize)
            let x = (pen + 32) / 64 + glyph.left
            placements.append((glyph, x))
            minX = min(minX, x)
            maxX = max(maxX, x + glyph.width, (pen + glyph.advance + 63) / 64)
            top = max(top, glyph.top)
            bottom = max(bottom, glyph.rows - glyph.top)
            pen += glyph.advance
            previous = index
        }
        let width = max(1, maxX - minX)
        let height = max(1, top + bottom)
        var coverage = [Float](repeating: 0, count: width * height)
        for (glyph, x) in placements {
            for row in 0..<glyph.rows {
                let y = top - glyph.top + row
                guard y >= 0, y < height else { continue }
                for column in 0..<glyph.width {
                    let at = y * width + x - minX + column
                    coverage[at] = min(1, coverage[at] + glyph.coverage[row * glyph.width + column])
                }
            }
        }
        return TextMask(width: width, height: height, coverage: coverage, originX: -minX, baseline: top)
    }

    private func glyphIndex(_ scalar: Unicode.Scalar) -> UInt32 {
        if let index = indexByCharacter[scalar.value] { return index }
        let index = face.map { FT_Get_Char_Index($0, FT_ULong(scalar.value)) } ?? 0
        indexByCharacter[scalar.value] = index
        return index
    }

    private func kerning(_ left: UInt32?, _ right: UInt32, pixelSize: Int) -> Int {
        guard hasKerning, let left, let face, (try? setSize(pixelSize)) != nil else { return 0 }
        var delta = FT_Vector()
        guard FT_Get_Kerning(face, left, right, UInt32(FT_KERNING_DEFAULT.rawValue), &delta) == 0 else { return 0 }
        return Int(delta.x)
    }

    private var currentSize = 0

    private func setSize(_ pixelSize: Int) throws {
        guard pixelSize != currentSize, let face else { return }
        guard FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelSize)) == 0 else {
            throw FineXLError("font \(path) cannot be drawn at \(pixelSize) pixels")
        }
        currentSize = pixelSize
    }

    private func glyph(_ index: UInt32, pixelSize: Int) throws -> Glyph {
        if let cached = cacheBySize[pixelSize]?[index] { return cached }
        guard let face else { throw FineXLError("font \(path) is closed") }
        try setSize(pixelSize)
        // Light hinting snaps only vertically, which keeps letter shapes and spacing even.
        let lightTarget = Int32(FT_RENDER_MODE_LIGHT.rawValue & 15) << 16
        guard FT_Load_Glyph(face, index, lightTarget) == 0,
              FT_Render_Glyph(face.pointee.glyph, FT_RENDER_MODE_NORMAL) == 0 else {
            throw FineXLError("font \(path) has a glyph FreeType cannot draw (index \(index))")
        }
        let slot = face.pointee.glyph.pointee
        let bitmap = slot.bitmap
        let width = Int(bitmap.width)
        let rows = Int(bitmap.rows)
        var coverage = [Float](repeating: 0, count: width * rows)
        if let buffer = bitmap.buffer {
            let pitch = Int(bitmap.pitch)
            for row in 0..<rows {
                for column in 0..<width {
                    coverage[row * width + column] = Float(buffer[row * pitch + column]) / 255
                }
            }
        }
        let glyph = Glyph(width: width, rows: rows, left: Int(slot.bitmap_left), top: Int(slot.bitmap_top),
                          advance: Int(slot.advance.x), coverage: coverage)
        cacheBySize[pixelSize, default: [:]][index] = glyph
        return glyph
    }
}
