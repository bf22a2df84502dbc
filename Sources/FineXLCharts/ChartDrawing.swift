import FineXLImage
import FineXLSupport
import Foundation

/// Shared machinery of every chart: fonts, text measuring in CSS pixels ("points" here), a
/// canvas at `scale` times that size, and the record of marks. Charts lay out in points; this
/// type converts to device pixels in one place.
final class ChartDrawing {
    enum Alignment { case left, center, right }

    /// Font sizes in points.
    enum TextSize {
        static let title: Double = 15
        static let label: Double = 12
        static let tick: Double = 11
        static let small: Double = 10.5
    }

    let style: ChartStyle
    let width: Double
    private let regular: FontFace
    private let bold: FontFace
    private var canvas: Canvas?
    private var marks: [ChartMark] = []
    private var scale: Double { Double(style.scale) }

    init(style: ChartStyle) throws {
        guard style.scale >= 1, style.displayWidth >= 200 else {
            throw FineXLError("chart width \(style.displayWidth) at scale \(style.scale) is too small; "
                + "use at least 200 CSS pixels at scale 1 or more")
        }
        self.style = style
        width = Double(style.displayWidth)
        regular = try FontFace(path: style.fontPath)
        let boldPath = style.fontPath.hasSuffix(".ttf")
            ? String(style.fontPath.dropLast(4)) + "-Bold.ttf" : style.fontPath
        bold = FileManager.default.fileExists(atPath: boldPath) ? try FontFace(path: boldPath) : regular
    }

    // MARK: text

    private func pixelSize(_ size: Double) -> Int { max(4, Int((size * scale).rounded())) }

    func textWidth(_ text: String, size: Double, bold isBold: Bool = false) throws -> Double {
        try (isBold ? bold : regular).width(of: text, pixelSize: pixelSize(size)) / scale
    }

    /// Cap height used to centre text vertically on a mark, in points.
    func capHeight(size: Double) -> Double { size * 0.73 }

    /// `text` shortened with an ellipsis until it fits `maxWidth` points.
    func fitted(_ text: String, size: Double, maxWidth: Double, bold isBold: Bool = false) throws -> String {
        if try textWidth(text, size: size, bold: isBold) <= maxWidth { return text }
        var characters = Array(text)
        while !characters.isEmpty {
            characters.removeLast()
            let candidate = String(characters).trimmingCharacters(in: .whitespaces) + "…"
            if try textWidth(candidate, size: size, bold: isBold) <= maxWidth { return candidate }
        }
        return ""
    }

    /// Draws one line of text with its baseline at `y`, and records it. Returns its extent.
    @discardableResult
    func text(_ text: String, x: Double, baseline y: Double, size: Double, color: ChartColor = Palette.text,
              alignment: Alignment = .left, bold isBold: Bool = false, role: ChartMark.Role,
              series: Int? = nil) throws -> PixelRect {
        guard !text.isEmpty else { return PixelRect(minX: x * scale, minY: y * scale, maxX: x * scale, maxY: y * scale) }
        let face = isBold ? bold : regular
        let mask = try face.mask(of: text, pixelSize: pixelSize(size))
        let advance = try face.width(of: text, pixelSize: pixelSize(size))
        var left = x * scale
        switch alignment {
        case .left: break
        case .center: left -= advance / 2
        case .right: left -= advance
        }
        let penX = Int(left.rounded())
        let baseline = Int((y * scale).rounded())
        canvas?.draw(mask, x: penX, baseline: baseline, color)
        let rect = PixelRect(minX: Double(penX - mask.originX), minY: Double(baseline - mask.baseline),
                             maxX: Double(penX - mask.originX + mask.width),
                             maxY: Double(baseline - mask.baseline + mask.height))
        marks.append(ChartMark(role: role, label: text, series: series, rect: rect))
        return rect
    }

    /// Draws text turned counterclockwise by `degrees` about its anchor. The anchor is the
    /// baseline start (`.left`), middle or end of the text.
    func rotatedText(_ text: String, anchorX x: Double, anchorY y: Double, degrees: Double, size: Double,
                     alignment: Alignment, color: ChartColor = Palette.text, role: ChartMark.Role) throws {
        guard !text.isEmpty else { return }
        let mask = try regular.mask(of: text, pixelSize: pixelSize(size))
        let advance = try regular.width(of: text, pixelSize: pixelSize(size))
        let along: Double
        switch alignment {
        case .left: along = 0
        case .center: along = advance / 2
        case .right: along = advance
        }
        let angle = degrees * Double.pi / 180
        let penX = x * scale - along * cos(angle)
        let penY = y * scale + along * sin(angle)
        canvas?.draw(mask, rotatedBy: angle, x: penX, y: penY, color)
        // Record the bounding box of the turned text.
        let corners = [(-Double(mask.originX), -Double(mask.baseline)),
                       (Double(mask.width - mask.originX), -Double(mask.baseline)),
                       (-Double(mask.originX), Double(mask.height - mask.baseline)),
                       (Double(mask.width - mask.originX), Double(mask.height - mask.baseline))].map { u, v in
            (penX + u * cos(angle) + v * sin(angle), penY - u * sin(angle) + v * cos(angle))
        }
        let xs = corners.map { $0.0 }, ys = corners.map { $0.1 }
        marks.append(ChartMark(role: role, label: text, series: nil,
                               rect: PixelRect(minX: xs.min()!, minY: ys.min()!, maxX: xs.max()!, maxY: ys.max()!)))
    }

    // MARK: shapes

    /// Starts the canvas once the layout knows the height.
    func begin(height: Double) {
        // Whole CSS pixels, so the PNG is an exact multiple of the display size.
        canvas = Canvas(width: style.displayWidth * style.scale, height: Int(height.rounded(.up)) * style.scale,
                        background: Palette.background)
    }

    @discardableResult
    func rect(x0: Double, y0: Double, x1: Double, y1: Double, _ color: ChartColor) -> PixelRect {
        canvas?.fillRect(x0: x0 * scale, y0: y0 * scale, x1: x1 * scale, y1: y1 * scale, color)
        return PixelRect(minX: x0 * scale, minY: y0 * scale, maxX: x1 * scale, maxY: y1 * scale)
    }

    func line(x0: Double, y0: Double, x1: Double, y1: Double, width lineWidth: Double, _ color: ChartColor,
              dashed: Bool = false) {
        let a = Point(x: x0 * scale, y: y0 * scale), b = Point(x: x1 * scale, y: y1 * scale)
        if dashed {
            canvas?.dashedLine(a, b, width: lineWidth * scale, dash: 5 * scale, gap: 3.5 * scale, color)
        } else {
            canvas?.line(a, b, width: lineWidth * scale, color)
        }
    }

    func polyline(_ points: [(Double, Double)], width lineWidth: Double, _ color: ChartColor) {
        canvas?.polyline(points.map { Point(x: $0.0 * scale, y: $0.1 * scale) }, width: lineWidth * scale, color)
    }

    func circle(x: Double, y: Double, radius: Double, _ color: ChartColor) {
        canvas?.fillCircle(Point(x: x * scale, y: y * scale), radius: radius * scale, color)
    }

    func record(_ role: ChartMark.Role, _ label: String, series: Int? = nil, _ rect: PixelRect) {
        marks.append(ChartMark(role: role, label: label, series: series, rect: rect))
    }

    /// A rectangle in points as pixels.
    func pixels(x0: Double, y0: Double, x1: Double, y1: Double) -> PixelRect {
        PixelRect(minX: x0 * scale, minY: y0 * scale, maxX: x1 * scale, maxY: y1 * scale)
    }

    /// Where content starts below the title (or the top margin when there is none).
    func contentTop(title: String?) -> Double {
        guard let title, !title.isEmpty else { return 16 }
        return 16 + TextSize.title + 18
    }

    /// Draws a chart title at the top left, after `begin`.
    func drawTitle(_ title: String?) throws {
        guard let title, !title.isEmpty else { return }
        let fitted = try self.fitted(title, size: TextSize.title, maxWidth: width - 32, bold: true)
        try text(fitted, x: 16, baseline: 16 + capHeight(size: TextSize.title) + 2, size: TextSize.title,
                 bold: true, role: .title)
    }

    // MARK: output

    func finish(plotArea: PixelRect, summary: String) throws -> ChartImage {
        guard let canvas else { throw FineXLError("a chart was finished before it was drawn") }
        let png = try PNGEncoder.encode(canvas.image)
        return ChartImage(png: png, pixelWidth: canvas.width, pixelHeight: canvas.height,
                          displayWidth: canvas.width / style.scale, displayHeight: canvas.height / style.scale,
                          layout: ChartLayout(plotArea: plotArea, marks: marks), summary: summary)
    }
}

/// Checks shared by the chart inputs.
enum ChartInput {
    static func requireFinite(_ value: Double, _ what: @autoclosure () -> String) throws {
        guard value.isFinite else { throw FineXLError("\(what()) is \(value); chart values must be finite numbers") }
    }
}
