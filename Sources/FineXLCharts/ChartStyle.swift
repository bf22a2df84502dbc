/// Size and font of the charts; colours are fixed by `Palette` so every report looks alike.
package struct ChartStyle: Sendable, Equatable {
    package static let defaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    /// A TrueType font for all text; a "-Bold" sibling, when present, is used for titles.
    package var fontPath: String
    /// Width in CSS pixels; the PNG is `scale` times larger.
    package var displayWidth: Int
    /// Pixels per CSS pixel.
    package var scale: Int

    package init(fontPath: String = ChartStyle.defaultFontPath, displayWidth: Int = 720, scale: Int = 2) {
        self.fontPath = fontPath
        self.displayWidth = displayWidth
        self.scale = scale
    }

    package static let standard = ChartStyle()
}

/// The colours: white ground, one blue accent for data, greys for structure.
enum Palette {
    static let background = ChartColor(hex: 0xFFFFFF)
    static let accent = ChartColor(hex: 0x2F6FDF)
    /// Negative bars: the accent's hue, lighter, so sign reads at a glance without a second hue.
    static let accentLight = ChartColor(hex: 0x9DBDF2)
    static let text = ChartColor(hex: 0x1F2937)
    static let secondaryText = ChartColor(hex: 0x6B7280)
    static let grid = ChartColor(hex: 0xE8EAEE)
    static let axis = ChartColor(hex: 0x9CA3AF)
    static let zeroLine = ChartColor(hex: 0x4B5563)
    static let whisker = ChartColor(hex: 0x1F2937)
    static let reference = ChartColor(hex: 0xD9480F)
    /// Series colours after the accent, chosen to stay apart for common colour-vision deficiencies.
    static let series: [ChartColor] = [
        accent, ChartColor(hex: 0xF08C00), ChartColor(hex: 0x2B9A66), ChartColor(hex: 0xC2255C),
        ChartColor(hex: 0x7048E8), ChartColor(hex: 0x5C6B7A), ChartColor(hex: 0x0C8599), ChartColor(hex: 0xA9700F),
    ]

    static func series(_ index: Int) -> ChartColor { series[index % series.count] }
}
