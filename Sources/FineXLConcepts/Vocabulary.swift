/// The built-in vocabulary of low-level concepts: the words people use to say how a
/// personalized image generator's pictures differ from its base model's (style, not content).
///
/// A fixed vocabulary is the VLM-free route to candidate concepts; the first
/// fifteen entries are the names PRODUCT.md promises, spelled exactly so.
package enum Vocabulary {
    package static let builtIn: [String] = promised + colorAndTone + light + textureAndMedium
        + rendering + mood + eraAndMovement

    /// The built-in low-level names of PRODUCT.md; scripts rely on this spelling.
    static let promised = [
        "warm tones", "cool tones", "vivid colors", "muted colors", "black and white", "sepia",
        "high contrast", "low contrast", "bright", "dark", "blurry", "sharp", "film grain",
        "vignette", "posterized",
    ]

    static let colorAndTone = [
        "pastel colors", "neon colors", "earth tones", "monochrome", "desaturated", "saturated",
        "golden hue", "blue tint", "green tint", "red tint", "purple tint", "teal and orange",
        "faded colors", "washed out", "cross processed", "duotone", "high key", "low key",
        "color splash", "rich blacks", "crushed blacks", "lifted shadows", "rainbow colors",
        "limited palette", "complementary colors", "jewel tones", "candy colors", "acid colors",
        "infrared", "split toning", "bleach bypass", "cyanotype",
    ]

    static let light = [
        "soft light", "harsh light", "golden hour", "blue hour", "backlit", "rim light",
        "dramatic lighting", "studio lighting", "natural light", "moonlight", "candlelight",
        "neon glow", "lens flare", "hazy", "foggy", "glowing", "overexposed", "underexposed",
        "hard shadows", "soft shadows", "chiaroscuro", "bloom", "volumetric light", "diffuse light",
        "silhouette", "sunlit", "light leaks",
    ]

    static let textureAndMedium = [
        "watercolor", "oil paint", "acrylic paint", "gouache", "pencil sketch", "charcoal drawing",
        "ink drawing", "pen and ink", "pastel drawing", "crayon", "colored pencil", "pixel art",
        "mosaic", "stained glass", "woodcut", "linocut", "etching", "engraving", "screen print",
        "halftone dots", "collage", "paper texture", "canvas texture", "visible brushstrokes",
        "impasto", "smooth gradients", "noisy", "grainy", "glossy", "matte", "metallic sheen",
        "embroidery", "origami", "claymation", "felt texture", "chalk drawing", "spray paint",
        "marker drawing", "ballpoint pen", "fresco", "tapestry", "cracked paint",
    ]

    static let rendering = [
        "photorealistic", "cartoon", "anime", "comic book", "cel shaded", "3d render",
        "low poly", "isometric", "flat design", "vector art", "line art", "outlined",
        "thick outlines", "minimalist", "detailed", "highly detailed", "simplified shapes",
        "geometric", "abstract", "painterly", "sketchy", "clean lines", "soft focus", "bokeh",
        "shallow depth", "tilt shift", "fisheye", "motion blur", "double exposure",
        "chromatic aberration", "glitch", "scan lines", "dithered", "jpeg artifacts",
        "oversharpened", "smooth skin", "hand drawn", "digital painting", "matte painting",
        "concept art", "storybook illustration", "children's book", "sticker", "polaroid",
        "instant film", "analog film", "vhs", "cinematic", "wide angle", "symmetrical",
    ]

    static let mood = [
        "moody", "dreamy", "whimsical", "eerie", "gloomy", "cheerful", "serene", "dramatic",
        "mysterious", "romantic", "nostalgic", "melancholic", "energetic", "calm", "ethereal",
        "gritty", "cozy", "ominous", "playful", "surreal", "psychedelic", "cute", "elegant",
        "rustic", "futuristic", "dystopian", "magical", "cold atmosphere", "warm atmosphere",
    ]

    static let eraAndMovement = [
        "vintage", "retro", "victorian", "art nouveau", "art deco", "impressionism",
        "expressionism", "cubism", "surrealism", "pop art", "pointillism", "fauvism",
        "baroque", "renaissance", "rococo", "romanticism", "ukiyo-e", "sumi-e", "bauhaus",
        "constructivism", "minimalism", "futurism", "dadaism", "gothic", "steampunk",
        "cyberpunk", "vaporwave", "synthwave", "1950s", "1970s", "1980s", "1990s",
        "byzantine icon", "medieval manuscript", "japanese print", "chinese ink", "folk art",
        "tribal pattern", "graffiti", "street art", "propaganda poster", "film noir",
        "technicolor", "daguerreotype", "tintype", "lomography",
    ]

    /// Whether a phrase is in the built-in vocabulary, spelled exactly so.
    package static func contains(_ phrase: String) -> Bool { lookup.contains(phrase) }

    private static let lookup = Set(builtIn)
}
