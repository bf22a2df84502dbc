/// An sRGB colour with opacity, components 0...1.
struct ChartColor: Equatable {
    var red: Float
    var green: Float
    var blue: Float
    var alpha: Float = 1

    init(red: Float, green: Float, blue: Float, alpha: Float = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// From a 0xRRGGBB literal.
    init(hex: UInt32, alpha: Float = 1) {
        self.init(red: Float((hex >> 16) & 0xFF) / 255, green: Float((hex >> 8) & 0xFF) / 255,
                  blue: Float(hex & 0xFF) / 255, alpha: alpha)
    }

    func withAlpha(_ alpha: Float) -> ChartColor {
        ChartColor(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// `self` moved toward `other` by `t` (0 = self, 1 = other).
    func mixed(with other: ChartColor, _ t: Float) -> ChartColor {
        ChartColor(red: red + (other.red - red) * t, green: green + (other.green - green) * t,
                   blue: blue + (other.blue - blue) * t, alpha: alpha + (other.alpha - alpha) * t)
    }

    /// Rec. 709 luma of the sRGB values; enough to choose dark or light text on a fill.
    var luma: Float { 0.2126 * red + 0.7152 * green + 0.0722 * blue }
}
