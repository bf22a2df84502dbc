import FineXLSupport
import Foundation

/// A point in pixel space (y grows downward).
struct Point: Equatable {
    var x: Double
    var y: Double
}

/// An opaque RGB raster with antialiased drawing. Shapes are filled by exact area coverage
/// (a signed-area accumulation per pixel), so edges at fractional positions blend smoothly and
/// the same drawing calls always produce the same pixels.
struct Canvas {
    let width: Int
    let height: Int
    private(set) var pixels: [Float]

    init(width: Int, height: Int, background: ChartColor) {
        self.width = width
        self.height = height
        pixels = [Float](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = background.red
            pixels[3 * i + 1] = background.green
            pixels[3 * i + 2] = background.blue
        }
    }

    var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }

    /// Blends `color` into one pixel with extra opacity `coverage`.
    @inline(__always)
    private mutating func blend(_ x: Int, _ y: Int, _ color: ChartColor, _ coverage: Float) {
        let a = color.alpha * coverage
        guard a > 0 else { return }
        let at = (y * width + x) * 3
        pixels[at] += (color.red - pixels[at]) * a
        pixels[at + 1] += (color.green - pixels[at + 1]) * a
        pixels[at + 2] += (color.blue - pixels[at + 2]) * a
    }

    /// Fills the union of closed polygons (overlaps of same-direction polygons count once).
    mutating func fill(_ polygons: [[Point]], _ color: ChartColor) {
        let points = polygons.flatMap { $0 }
        guard let first = points.first else { return }
        var minX = first.x, maxX = first.x, minY = first.y, maxY = first.y
        for p in points {
            minX = min(minX, p.x); maxX = max(maxX, p.x)
            minY = min(minY, p.y); maxY = max(maxY, p.y)
        }
        let left = max(0, Int(minX.rounded(.down)))
        let top = max(0, Int(minY.rounded(.down)))
        let right = min(width, Int(maxX.rounded(.up)))
        let bottom = min(height, Int(maxY.rounded(.up)))
        guard right > left, bottom > top else { return }
        var accumulator = CoverageAccumulator(width: right - left, height: bottom - top)
        for polygon in polygons where polygon.count >= 3 {
            for i in polygon.indices {
                let a = polygon[i]
                let b = polygon[(i + 1) % polygon.count]
                accumulator.addEdge(Point(x: a.x - Double(left), y: a.y - Double(top)),
                                    Point(x: b.x - Double(left), y: b.y - Double(top)))
            }
        }
        accumulator.forEachCoverage { x, y, coverage in
            blend(left + x, top + y, color, coverage)
        }
    }

    mutating func fillRect(x0: Double, y0: Double, x1: Double, y1: Double, _ color: ChartColor) {
        let (l, r) = (min(x0, x1), max(x0, x1))
        let (t, b) = (min(y0, y1), max(y0, y1))
        guard r > l, b > t else { return }
        fill([[Point(x: l, y: t), Point(x: r, y: t), Point(x: r, y: b), Point(x: l, y: b)]], color)
    }

    /// A straight stroke with butt ends.
    mutating func line(_ a: Point, _ b: Point, width lineWidth: Double, _ color: ChartColor) {
        fill([quad(a, b, lineWidth)].compactMap { $0 }, color)
    }

    /// A dashed straight stroke; dash and gap lengths in pixels.
    mutating func dashedLine(_ a: Point, _ b: Point, width lineWidth: Double, dash: Double, gap: Double,
                             _ color: ChartColor) {
        let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
        guard length > 0 else { return }
        var pieces: [[Point]] = []
        var start = 0.0
        while start < length {
            let end = min(length, start + dash)
            let p = Point(x: a.x + (b.x - a.x) * start / length, y: a.y + (b.y - a.y) * start / length)
            let q = Point(x: a.x + (b.x - a.x) * end / length, y: a.y + (b.y - a.y) * end / length)
            if let piece = quad(p, q, lineWidth) { pieces.append(piece) }
            start += dash + gap
        }
        fill(pieces, color)
    }

    /// A connected stroke with round joins, filled as one shape so joins do not double-blend.
    mutating func polyline(_ points: [Point], width lineWidth: Double, _ color: ChartColor) {
        guard points.count >= 2 else { return }
        var shapes: [[Point]] = []
        for i in 0..<(points.count - 1) {
            if let piece = quad(points[i], points[i + 1], lineWidth) { shapes.append(piece) }
        }
        for point in points.dropFirst().dropLast() {
            shapes.append(circle(point, radius: lineWidth / 2))
        }
        fill(shapes, color)
    }

    mutating func fillCircle(_ center: Point, radius: Double, _ color: ChartColor) {
        fill([circle(center, radius: radius)], color)
    }

    /// Draws a text mask with its pen origin at pixel (`x`, `baseline`).
    mutating func draw(_ mask: TextMask, x: Int, baseline: Int, _ color: ChartColor) {
        let left = x - mask.originX
        let top = baseline - mask.baseline
        for row in 0..<mask.height {
            let y = top + row
            guard y >= 0, y < height else { continue }
            for column in 0..<mask.width {
                let px = left + column
                guard px >= 0, px < width else { continue }
                blend(px, y, color, mask.coverage[row * mask.width + column])
            }
        }
    }

    /// Draws a text mask turned by `angle` radians (counterclockwise on screen) about its pen
    /// origin, which lands on (`x`, `y`). Sampled bilinearly from the upright mask.
    mutating func draw(_ mask: TextMask, rotatedBy angle: Double, x: Double, y: Double, _ color: ChartColor) {
        let c = cos(angle), s = sin(angle)
        // Mask coordinates relative to the pen origin → screen: (u, v) ↦ (u c + v s, −u s + v c).
        let corners = [(0.0, 0.0), (Double(mask.width), 0.0), (0.0, Double(mask.height)),
                       (Double(mask.width), Double(mask.height))].map { corner -> Point in
            let u = corner.0 - Double(mask.originX), v = corner.1 - Double(mask.baseline)
            return Point(x: x + u * c + v * s, y: y - u * s + v * c)
        }
        let xs = corners.map { $0.x }, ys = corners.map { $0.y }
        let left = max(0, Int(xs.min()!.rounded(.down)))
        let right = min(width, Int(xs.max()!.rounded(.up)))
        let top = max(0, Int(ys.min()!.rounded(.down)))
        let bottom = min(height, Int(ys.max()!.rounded(.up)))
        guard right > left, bottom > top else { return }
        for py in top..<bottom {
            for px in left..<right {
                let dx = Double(px) + 0.5 - x, dy = Double(py) + 0.5 - y
                let u = dx * c - dy * s + Double(mask.originX) - 0.5
                let v = dx * s + dy * c + Double(mask.baseline) - 0.5
                let coverage = sample(mask, u, v)
                if coverage > 0 { blend(px, py, color, coverage) }
            }
        }
    }

    private func sample(_ mask: TextMask, _ u: Double, _ v: Double) -> Float {
        let u0 = Int(u.rounded(.down)), v0 = Int(v.rounded(.down))
        let fu = Float(u - Double(u0)), fv = Float(v - Double(v0))
        func at(_ x: Int, _ y: Int) -> Float {
            guard x >= 0, y >= 0, x < mask.width, y < mask.height else { return 0 }
            return mask.coverage[y * mask.width + x]
        }
        let top = at(u0, v0) * (1 - fu) + at(u0 + 1, v0) * fu
        let bottom = at(u0, v0 + 1) * (1 - fu) + at(u0 + 1, v0 + 1) * fu
        return top * (1 - fv) + bottom * fv
    }

    /// The rectangle around segment a→b, wound the same way for every segment so unions work.
    private func quad(_ a: Point, _ b: Point, _ lineWidth: Double) -> [Point]? {
        let dx = b.x - a.x, dy = b.y - a.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return nil }
        let nx = -dy / length * lineWidth / 2, ny = dx / length * lineWidth / 2
        return [Point(x: a.x + nx, y: a.y + ny), Point(x: b.x + nx, y: b.y + ny),
                Point(x: b.x - nx, y: b.y - ny), Point(x: a.x - nx, y: a.y - ny)]
    }

    /// A circle wound like `quad`'s rectangles, so joins add to strokes instead of cancelling them.
    private func circle(_ center: Point, radius: Double) -> [Point] {
        let steps = max(12, Int(radius * 4))
        return (0..<steps).map { i in
            let t = -Double(i) / Double(steps) * 2 * Double.pi
            return Point(x: center.x + radius * cos(t), y: center.y + radius * sin(t))
        }
    }
}

/// Signed-area coverage accumulation: each polygon edge deposits, per pixel row, the area it
/// encloses to its left; a running sum along each row then gives every pixel's exact coverage.
struct CoverageAccumulator {
    let width: Int
    let height: Int
    private var cells: [Float]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        // Two spare columns take the deposits of edges at the right border.
        cells = [Float](repeating: 0, count: (width + 2) * height)
    }

    mutating func addEdge(_ start: Point, _ end: Point) {
        guard start.y != end.y else { return }
        let direction: Float = start.y < end.y ? 1 : -1
        let (p, q) = start.y < end.y ? (start, end) : (end, start)
        let slope = (q.x - p.x) / (q.y - p.y)
        let firstRow = max(0, Int(p.y.rounded(.down)))
        let lastRow = min(height, Int(q.y.rounded(.up)))
        guard firstRow < lastRow else { return }
        let stride = width + 2
        let limit = Double(width)
        func clampX(_ x: Double) -> Double { min(limit, max(0, x)) }
        for row in firstRow..<lastRow {
            let y0 = max(Double(row), p.y), y1 = min(Double(row + 1), q.y)
            guard y1 > y0 else { continue }
            let xa = clampX(p.x + (y0 - p.y) * slope), xb = clampX(p.x + (y1 - p.y) * slope)
            let d = Float(y1 - y0) * direction
            let base = row * stride
            let (x0, x1) = xa < xb ? (xa, xb) : (xb, xa)
            let c0 = Int(x0.rounded(.down))
            let c1 = min(width, Int(x1.rounded(.down)))
            if x1 - x0 < 1e-9 {
                // A vertical piece: the pixel it sits in is covered right of x, later ones fully.
                let inside = Float(x0 - Double(c0))
                cells[base + c0] += d * (1 - inside)
                cells[base + c0 + 1] += d * inside
            } else {
                // Coverage of column c right of the edge is the mean over the edge's x ∈ [x0, x1]
                // of clamp(c + 1 − x, 0, 1); deposit its increase from column to column.
                let span = x1 - x0
                var previous: Double = 0
                for column in c0...c1 {
                    let c = Double(column)
                    let full = max(0, min(x1, c) - x0)
                    let a = max(x0, c), b = min(x1, c + 1)
                    let partial = b > a ? (b - a) * (c + 1 - (a + b) / 2) : 0
                    let covered = (full + partial) / span
                    cells[base + column] += d * Float(covered - previous)
                    previous = covered
                }
                cells[base + c1 + 1] += d * Float(1 - previous)
            }
        }
    }

    /// Calls `body` for every pixel with non-zero coverage.
    func forEachCoverage(_ body: (Int, Int, Float) -> Void) {
        let stride = width + 2
        for row in 0..<height {
            var sum: Float = 0
            for column in 0..<width {
                sum += cells[row * stride + column]
                let coverage = min(1, abs(sum))
                if coverage > 1e-4 { body(column, row, coverage) }
            }
        }
    }
}
