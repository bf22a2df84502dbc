/// The descriptor's dimensions, in embedding order: a statistic's case gives its index (its raw
/// value), its name, and the place that computes it (`out[.case] = …` in DescriptorStatistics),
/// so the three cannot drift apart.
enum DescriptorStatistic: Int, CaseIterable {
    // Tone
    case lumaMean
    case lumaSpread
    case luma5th
    case luma25th
    case lumaMedian
    case luma75th
    case luma95th
    case blackClipping
    case whiteClipping
    case logMeanLinearLuminance
    // Contrast
    case interquartileContrast
    case fineOverCoarseVariance
    case localContrast
    // Saturation and colourfulness
    case chromaMean
    case chroma90th
    case chromaMedian
    case hsvSaturationMean
    case colourfulness
    case chroma25th
    case chroma75th
    // Hue and white balance
    case warmCoolMean
    case greenMagentaMean
    case warmCoolSpread
    case greenMagentaSpread
    case redMean
    case greenMean
    case blueMean
    case redGreenMean
    case shadowWarmth
    case highlightWarmth
    // Sharpness and blur
    case gradient1over4
    case gradient2over4
    case gradient1over2
    case laplacianOverGradient
    case gradient4overVariance
    case edgeAcutance
    // Noise and grain
    case flatLumaNoise
    case flatChromaNoise
    case immerkaerNoise
    // Vignetting
    case ring2VsCentre
    case ring3VsCentre
    case cornersVsCentre
    // Posterization and texture
    case levelsUsed
    case equalNeighbours
    case midScaleTexture
    case chroma10th

    /// The human-readable name, as listed in the encoder's identity and the README.
    var name: String {
        switch self {
        case .lumaMean: "luma mean"
        case .lumaSpread: "luma spread (std)"
        case .luma5th: "luma 5th percentile"
        case .luma25th: "luma 25th percentile"
        case .lumaMedian: "luma median"
        case .luma75th: "luma 75th percentile"
        case .luma95th: "luma 95th percentile"
        case .blackClipping: "black clipping"
        case .whiteClipping: "white clipping"
        case .logMeanLinearLuminance: "log mean linear luminance"
        case .interquartileContrast: "interquartile contrast"
        case .fineOverCoarseVariance: "fine / coarse local variance, noise removed (8 px / 32 px)"
        case .localContrast: "local contrast (32 px)"
        case .chromaMean: "chroma mean"
        case .chroma90th: "chroma 90th percentile"
        case .chromaMedian: "chroma median"
        case .hsvSaturationMean: "HSV saturation mean"
        case .colourfulness: "colourfulness (Hasler–Süsstrunk)"
        case .chroma25th: "chroma 25th percentile"
        case .chroma75th: "chroma 75th percentile"
        case .warmCoolMean: "warm–cool axis mean (R−B)"
        case .greenMagentaMean: "green–magenta axis mean"
        case .warmCoolSpread: "warm–cool spread"
        case .greenMagentaSpread: "green–magenta spread"
        case .redMean: "red mean"
        case .greenMean: "green mean"
        case .blueMean: "blue mean"
        case .redGreenMean: "red–green axis mean"
        case .shadowWarmth: "shadow warmth (darkest 30 %)"
        case .highlightWarmth: "highlight warmth (brightest 30 %)"
        case .gradient1over4: "gradient energy 1 px / 4 px (log, noise removed)"
        case .gradient2over4: "gradient energy 2 px / 4 px (log, noise removed)"
        case .gradient1over2: "gradient energy 1 px / 2 px (log, noise removed)"
        case .laplacianOverGradient: "Laplacian / gradient energy (log, noise removed)"
        case .gradient4overVariance: "gradient energy 4 px / luma variance (log, noise removed)"
        case .edgeAcutance: "edge acutance (noise removed)"
        case .flatLumaNoise: "flat-area luma noise"
        case .flatChromaNoise: "flat-area chroma noise"
        case .immerkaerNoise: "luma noise (Immerkær)"
        case .ring2VsCentre: "ring 2 vs centre (log)"
        case .ring3VsCentre: "ring 3 vs centre (log)"
        case .cornersVsCentre: "corners vs centre (log)"
        case .levelsUsed: "levels used per channel range (log2 per 256)"
        case .equalNeighbours: "equal-neighbour fraction (8-bit luma)"
        case .midScaleTexture: "mid-scale texture share (noise removed)"
        case .chroma10th: "chroma 10th percentile"
        }
    }
}

/// One value per `DescriptorStatistic`, addressed by the statistic rather than by an index.
struct StatisticValues {
    private(set) var values = [Double](repeating: 0, count: DescriptorStatistic.allCases.count)

    subscript(_ statistic: DescriptorStatistic) -> Double {
        get { values[statistic.rawValue] }
        set { values[statistic.rawValue] = newValue }
    }
}
