import Foundation

/// The concept names the descriptor encoder represents, with their synonyms.
enum DescriptorVocabulary {
    /// Synonyms (already normalized) of each representable concept.
    static let synonyms: [Aspect.Kind: [String]] = [
        .warmTones: ["warm", "warmer", "warm tone", "warm colors", "warm color", "warm tint", "golden tones",
                     "orange tint", "yellow tint", "warm white balance"],
        .coolTones: ["cool", "cooler", "cool tone", "cool colors", "cold tones", "cold", "blue tint", "bluish",
                     "cool white balance"],
        .vividColors: ["vivid", "vibrant colors", "vibrant", "saturated colors", "saturated", "colorful",
                       "high saturation", "rich colors", "bold colors"],
        .mutedColors: ["muted", "desaturated", "desaturated colors", "subdued colors", "low saturation",
                       "muted tones", "dull colors"],
        .blackAndWhite: ["black & white", "b&w", "b/w", "monochrome", "grayscale", "gray scale", "black white",
                         "monochromatic", "no color"],
        .sepia: ["sepia tone", "sepia tones", "sepia toned", "sepia tint", "brown toned", "antique tone"],
        .highContrast: ["contrasty", "strong contrast", "punchy", "more contrast", "high contrast lighting"],
        .lowContrast: ["flat", "flat contrast", "weak contrast", "less contrast", "low contrast lighting"],
        .bright: ["brighter", "overexposed", "over exposed", "high key", "lighter", "bright lighting"],
        .dark: ["darker", "underexposed", "under exposed", "dim", "dark lighting", "gloomy"],
        .blurry: ["blur", "blurred", "soft focus", "out of focus", "unfocused", "defocused", "soft", "hazy detail"],
        .sharp: ["sharpened", "crisp", "sharp details", "sharp focus", "detailed", "high detail", "sharpness"],
        .filmGrain: ["grain", "grainy", "noisy", "noise", "film noise", "grainy texture", "analog grain"],
        .vignette: ["vignetting", "dark corners", "darkened corners", "vignetted"],
        .posterized: ["posterised", "posterize", "posterization", "posterisation", "banding", "color banding",
                      "flat color areas", "reduced palette"],
    ]

    private static let lookup: [String: Aspect.Kind] = {
        var table: [String: Aspect.Kind] = [:]
        for kind in Aspect.Kind.allCases { table[kind.rawValue] = kind }
        for (kind, names) in synonyms {
            for name in names { table[normalize(name)] = kind }
        }
        return table
    }()

    /// Lower case, single spaces, British spellings and punctuation folded.
    static func normalize(_ raw: String) -> String {
        var s = raw.lowercased()
        for (from, to) in [("colour", "color"), ("grey", "gray"), ("-", " "), ("_", " "), (" and ", " & ")] {
            s = s.replacingOccurrences(of: from, with: to)
        }
        s = s.replacingOccurrences(of: "&", with: " and ")
        s = s.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters.subtracting(.init(charactersIn: "/"))))
        return s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The concept a name stands for, if the descriptor represents it.
    static func kind(for raw: String) -> Aspect.Kind? {
        let s = normalize(raw)
        var attempts = [s]
        for suffix in [" style", " look", " effect", " filter", " photo", " photography", " image"] where s.hasSuffix(suffix) {
            attempts.append(String(s.dropLast(suffix.count)))
        }
        for prefix in ["a ", "an ", "more ", "very "] where s.hasPrefix(prefix) {
            attempts.append(String(s.dropFirst(prefix.count)))
        }
        for attempt in attempts {
            if let kind = lookup[attempt] { return kind }
            if attempt.hasSuffix("s"), let kind = lookup[String(attempt.dropLast())] { return kind }
            if let kind = lookup[attempt + "s"] { return kind }
        }
        return nil
    }
}
