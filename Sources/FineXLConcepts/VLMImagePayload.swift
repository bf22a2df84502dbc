import FineXLImage
import FineXLSupport
import Foundation

/// Images as the model receives them: at most `maxSide` pixels on the longer side (detail
/// beyond that costs tokens, not insight, for style), PNG, base64 in a data URL.
enum VLMImagePayload {
    static func dataURL(for image: RGBImage, maxSide: Int) throws -> String {
        let small = ImageResampler.downscaled(image, maxSide: maxSide)
        let png = try PNGEncoder.encode(small)
        return "data:image/png;base64," + Data(png).base64EncodedString()
    }
}
