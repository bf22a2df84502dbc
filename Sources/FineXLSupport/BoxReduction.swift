/// How far an encoder lets an image be reduced before it reaches `embed(reduced:)`: by the whole
/// factor ⌊shortest side / `shortestSide`⌋ (at least 1), into box means and box samples
/// (`ReducedImage`). The encoder gives the reduced image the embedding of the full one, so a
/// decoder may reduce rows as it decodes them and never hold the full-size pixels.
package struct BoxReduction: Sendable, Equatable {
    /// The shortest side reduced images keep at least; nil leaves every image at full size.
    package let shortestSide: Int?

    /// Images reach the encoder at full size.
    package static let none = BoxReduction(shortestSide: nil)

    package init(shortestSide: Int?) {
        precondition(shortestSide.map { $0 > 0 } ?? true, "a reduction keeps a positive shortest side")
        self.shortestSide = shortestSide
    }

    /// The whole factor an image of this size may be reduced by, from 1 up to its shorter side.
    package func factor(width: Int, height: Int) -> Int {
        guard let shortestSide else { return 1 }
        return max(1, min(width, height) / shortestSide)
    }
}
