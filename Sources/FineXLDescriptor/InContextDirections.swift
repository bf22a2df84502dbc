import FineXLCore
import FineXLSupport
import Foundation

/// Concept directions measured on the run's own base images (paper Eq. 6 for images).
///
/// The look of an edit depends on the content: white-balance gains raise the chroma of a warm
/// scene, a contrast curve around mid-grey warms warm content. A direction measured on the
/// procedural reference set misses that, so each built-in concept's canonical rendering is
/// applied to this run's base images at the descriptor's working resolution, with the same
/// slope over levels ½ and 1 as the reference calibration, in the same standardized units.
struct InContextDirections: Sendable {
    /// Fewer base images than this and the reference set is used: below it the in-context
    /// directions' own image-to-image spread outweighs what they gain. Measured with
    /// `finexl bench photos --photos` on 4 and 6 of the shipped photos and on the quickstart's
    /// synthetic pairs (4 and 6, three seeds each): from 6 images in-context directions name and
    /// order the aspects better on photos (two aspects by rank 88 % against 79 % at 6) and read
    /// the synthetic levels at least as well; at 4 the synthetic runs gained a spurious
    /// "blurry 0.25" in two of three.
    static let minimumImages = 6
    /// At most this many base images are rendered on (evenly spaced in pair order): each costs
    /// 39 renderings and measurements (15 more on the `responseImageCount` of them that also get
    /// level ¼, and 45 more there for the alternate renderings), and 40 images pin a direction
    /// down well.
    static let maximumImages = 40
    /// Part of the cache key: bump when the measurement changes.
    static let version = "finexl.in-context/7"
    /// Levels rendered on each image: ½ and 1 give the slope f(C) (as the reference calibration);
    /// with ¼ they also give the response curve a fitted weight is read back through.
    static let levels = [0.25, 0.5, 1.0]

    /// One rendering variant's measurement on these images.
    struct Rendered: Sendable {
        /// f(C) on each image measured, standardized, per aspect.
        var perImage: [Aspect.Kind: [[Double]]] = [:]
        /// The mean weight each of `levels` produces on these images, per aspect.
        var responses: [Aspect.Kind: LevelResponse] = [:]
    }

    /// Per `Aspect.Variant`: the canonical renderings define f(C); the alternate ones make the
    /// same looks another way, for intervals that draw from both.
    let rendered: [Aspect.Variant: Rendered]
    /// Each of the aspects' other forms (`Aspect.Form`), per image: its change at level 1.
    let formPerImage: [Aspect.Form: [[Double]]]
    let images: Int
    /// Each aspect's alternate rendering as measured here (`alternate(_:)`), with the strength
    /// spread pooled over all of them, derived once from `rendered`.
    private let alternates: [Aspect.Kind: ConceptRendering]

    init(rendered: [Aspect.Variant: Rendered], formPerImage: [Aspect.Form: [[Double]]], images: Int) {
        self.rendered = rendered
        self.formPerImage = formPerImage
        self.images = images
        let canonical = rendered[.canonical]?.perImage ?? [:]
        var changes: [Aspect.Kind: [[Double]]] = [:]
        for kind in Aspect.Kind.allCases {
            guard let rows = rendered[.alternate]?.perImage[kind], let own = canonical[kind], !rows.isEmpty,
                  rows.count == Self.measuredImages(.alternate, of: own.count) else { continue }
            changes[kind] = zip(rows, Self.responseImages(of: own.count)).map { Vector.subtract($0, own[$1]) }
        }
        // How far the two renderings of each look disagree on its level here, pooled over the looks.
        let spread = StrengthSpread(ratios: Aspect.Kind.allCases.compactMap { kind in
            guard let change = changes[kind], let own = canonical[kind] else { return nil }
            let direction = Vector.mean(own)
            return StrengthSpread.ratio(of: Vector.add(direction, Vector.mean(change)), along: direction)
        })
        alternates = changes.reduce(into: [:]) { result, entry in
            result[entry.key] = ConceptRendering(perImageChange: entry.value,
                                                 levelResponse: rendered[.alternate]?.responses[entry.key], strengthSpread: spread)
        }
    }

    var perImage: [Aspect.Kind: [[Double]]] { rendered[.canonical]?.perImage ?? [:] }
    var responses: [Aspect.Kind: LevelResponse] { rendered[.canonical]?.responses ?? [:] }
    var directions: [Aspect.Kind: [Double]] { perImage.mapValues(Vector.mean) }

    /// An aspect's alternate rendering as measured here: per response image, its f(C) minus the
    /// canonical one's on the same image, and the strength spread of all the looks.
    func alternate(_ kind: Aspect.Kind) -> ConceptRendering? { alternates[kind] }

    /// Which of `count` images are measured: all up to `maximum`, else evenly spaced.
    static func chosen(of count: Int, at maximum: Int = maximumImages) -> [Int] {
        guard count > maximum else { return Array(0..<count) }
        return (0..<maximum).map { $0 * count / maximum }
    }

    /// Levels under ½ (the response curve's lowest point), and the alternate renderings at every
    /// level, are rendered on this many of the measured images, evenly spaced.
    static let responseImageCount = 12

    /// Which of `count` measured images are the response images (level ¼, and the alternate
    /// renderings), in order.
    static func responseImages(of count: Int) -> [Int] { chosen(of: count, at: responseImageCount) }

    /// The directions for a context's images, from the cache when it has them; nil (with the
    /// reason) when the context has too few images or none.
    static func forContext(_ context: ConceptContext, identity: String,
                           calibration: DescriptorCalibration) throws -> (InContextDirections?, String?) {
        guard let images = context.images, images.count > 0 else {
            return (nil, "no base images to measure them on (precomputed embeddings)")
        }
        guard images.count >= minimumImages else {
            return (nil, "only \(images.count) base image\(images.count == 1 ? "" : "s"), fewer than the \(minimumImages) in-context directions need")
        }
        let indices = chosen(of: images.count)
        let reads = try Parallel.map(indices.count) { try images.read(indices[$0]) }
        let key = SHA256.hex(([version, identity, String(indices.count)] + reads.map(\.digest)).joined(separator: "\n"))
        let cacheFile = context.cacheDirectory.map {
            $0.appendingPathComponent("directions", isDirectory: true).appendingPathComponent(key + ".f32")
        }
        if let cacheFile, let cached = load(cacheFile, images: indices.count) { return (cached, nil) }
        let measured = try measure(count: indices.count, calibration: calibration) { i in
            try workingImage(reads[i].decode(reduction: DescriptorStatistics.reduction).means)
        }
        if let cacheFile { try? store(measured, to: cacheFile) }
        return (measured, nil)
    }

    /// The image at the descriptor's working resolution (shortest side 128–255 px), where the
    /// statistics are measured and grain cells are one pixel.
    static func workingImage(_ image: RGBImage) -> RGBImage {
        let factor = DescriptorStatistics.boxFactor(image)
        return factor > 1 ? ReducedImage(image, by: factor).means : image
    }

    /// Renders every aspect at `levels` on each image (and by its alternate rendering on the
    /// response images) and measures the change, in 8 bits as images are delivered. Values are
    /// rounded to Float, as they are cached.
    static func measure(count: Int, calibration: DescriptorCalibration,
                        image: @escaping @Sendable (Int) throws -> RGBImage) throws -> InContextDirections {
        let kinds = Aspect.Kind.allCases, forms = Aspect.Form.allCases, variants = Aspect.Variant.allCases
        let scale = calibration.scale
        let paired = responseImages(of: count), responseImages = Set(paired)
        // Per image: per variant its standardized change at each level for each aspect (none at
        // level ¼ off the response images), then at level 1 for each form.
        let measured = try Parallel.map(count) { i -> (aspects: [[[[Double]]]], forms: [[Double]]) in
            let working = try image(i)
            let base = DescriptorStatistics.measure(ImageFilters.quantized8(working))
            func change(_ rendered: RGBImage) -> [Double] {
                DescriptorCalibration.change(from: base, to: DescriptorStatistics.measure(ImageFilters.quantized8(rendered)),
                                             scale: scale).map { Double(Float($0)) }
            }
            // The alternate renderings only widen the intervals: the response images pin them down.
            let aspects = variants.map { variant in
                variant == .alternate && !responseImages.contains(i) ? [] : kinds.map { kind in
                    levels.map { level in
                        // The lowest level only shapes the response curve, a mean: a few images pin it down.
                        level < 0.5 && !responseImages.contains(i) ? []
                            : change(Aspect(kind).apply(to: working, level: level, variant: variant, seed: UInt64(7 + i)))
                    }
                }
            }
            // A form's direction is its change at level 1 (per unit of level at `measuredLevel`): it
            // only widens the concept's cone, and the weight is read through the canonical rendering's response.
            let formChanges = forms.map { form in
                Vector.scale(change(Aspect(form.aspect).apply(form, to: working, level: form.measuredLevel, seed: UInt64(7 + i))),
                             1 / form.measuredLevel)
            }
            return (aspects, formChanges)
        }
        // rows[v][i][k][l]: variant v, image i, aspect k, level l.
        let rows = variants.indices.map { v in measured.map { $0.aspects[v] }.filter { !$0.isEmpty } }
        // The alternate renderings are measured on the response images only; each of their means
        // is the canonical mean over all images plus the mean of how the two differ on those
        // (`alternate(_:)`), which varies far less between images than either.
        func mean(_ v: Int, _ value: ([[[Double]]]) -> [Double]) -> [Double] {
            let own = Vector.mean(rows[v].map(value).filter { !$0.isEmpty })
            guard v > 0 else { return own }
            let differences = zip(rows[v], paired).map { row, i in Vector.subtract(value(row), value(rows[0][i])) }
            return Vector.add(mean(0, value), Vector.mean(differences))
        }
        var rendered: [Aspect.Variant: Rendered] = [:]
        for (v, variant) in variants.enumerated() {
            var slopes = Rendered()
            for (k, kind) in kinds.enumerated() {
                // The slope through the origin over levels ½ and 1, as the reference calibration's.
                func slope(_ changes: [[[Double]]]) -> [Double] {
                    (0..<changes[k][1].count).map { j in (0.5 * changes[k][1][j] + changes[k][2][j]) / 1.25 }
                }
                slopes.perImage[kind] = rows[v].map(slope)
                // Level ¼ is measured on the response images alone, for either variant.
                slopes.responses[kind] = LevelResponse(levels: levels, meanChanges: levels.indices.map { l in
                    levels[l] < 0.5 ? Vector.mean(rows[v].map { $0[k][l] }.filter { !$0.isEmpty }) : mean(v) { $0[k][l] }
                }, on: mean(v, slope))
            }
            rendered[variant] = slopes
        }
        var formPerImage: [Aspect.Form: [[Double]]] = [:]
        for (f, form) in forms.enumerated() {
            let scale = form.responseScale(rendered[.canonical]?.responses[form.aspect])
            formPerImage[form] = measured.map { Vector.scale($0.forms[f], scale) }
        }
        return InContextDirections(rendered: rendered, formPerImage: formPerImage, images: count)
    }

    /// How many of `count` measured images a rendering variant is measured on: the canonical
    /// renderings on all, the alternate ones on the `responseImageCount` response images.
    static func measuredImages(_ variant: Aspect.Variant, of count: Int) -> Int {
        variant == .canonical ? count : responseImages(of: count).count
    }

    /// Little-endian Float64: per variant in `Aspect.Variant.allCases` order, per aspect in
    /// `allCases` order the images' directions, dimension by dimension, then per aspect the
    /// response at each of `levels`; then per form in `allCases` order the images' directions.
    private static func store(_ directions: InContextDirections, to file: URL) throws {
        var data = Data()
        func append(_ value: Double) { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        for variant in Aspect.Variant.allCases {
            let rendered = directions.rendered[variant] ?? Rendered()
            for kind in Aspect.Kind.allCases {
                for row in rendered.perImage[kind] ?? [] { row.forEach(append) }
            }
            for kind in Aspect.Kind.allCases { rendered.responses[kind]?.weights.forEach(append) }
        }
        for form in Aspect.Form.allCases {
            for row in directions.formPerImage[form] ?? [] { row.forEach(append) }
        }
        try Folder.create(file.deletingLastPathComponent(), for: "concept direction cache")
        try data.write(to: file, options: .atomic)
    }

    private static func load(_ file: URL, images: Int) -> InContextDirections? {
        let d = DescriptorStatistics.count
        let kinds = Aspect.Kind.allCases, forms = Aspect.Form.allCases, variants = Aspect.Variant.allCases
        let counts = variants.map { measuredImages($0, of: images) }
        var variantStarts = [0]
        for count in counts { variantStarts.append(variantStarts.last! + kinds.count * (count * d + levels.count)) }
        let formStart = variantStarts.last!
        guard let data = try? Data(contentsOf: file), data.count == (formStart + forms.count * images * d) * 8 else {
            return nil
        }
        let values: [Double] = data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map {
                Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
            }
        }
        guard values.allSatisfy(\.isFinite) else { return nil }
        func rows(from start: Int, count: Int = images) -> [[Double]] {
            (0..<count).map { i in Array(values[(start + i * d)..<(start + (i + 1) * d)]) }
        }
        var rendered: [Aspect.Variant: Rendered] = [:]
        for (v, variant) in variants.enumerated() {
            let start = variantStarts[v], count = counts[v]
            var measured = Rendered()
            for (k, kind) in kinds.enumerated() {
                measured.perImage[kind] = rows(from: start + k * count * d, count: count)
                let responseStart = start + kinds.count * count * d + k * levels.count
                measured.responses[kind] = LevelResponse(levels: levels, weights: Array(values[responseStart..<(responseStart + levels.count)]))
            }
            rendered[variant] = measured
        }
        var formPerImage: [Aspect.Form: [[Double]]] = [:]
        for (f, form) in forms.enumerated() {
            formPerImage[form] = rows(from: formStart + f * images * d)
        }
        return InContextDirections(rendered: rendered, formPerImage: formPerImage, images: images)
    }
}
