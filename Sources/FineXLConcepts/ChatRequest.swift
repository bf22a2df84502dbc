/// The body of an OpenAI-compatible chat-completions request. Encoded with sorted keys so
/// the same question always has the same bytes, and so the same cache key.
struct ChatRequest: Encodable {
    struct Message: Encodable {
        var role: String
        var content: [ContentPart]
    }

    enum ContentPart: Encodable, Equatable {
        case text(String)
        /// An image as a `data:image/png;base64,…` URL.
        case imageURL(String)

        private enum CodingKeys: String, CodingKey { case type, text, imageURL = "image_url" }
        private enum ImageKeys: String, CodingKey { case url }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .text(let text):
                try container.encode("text", forKey: .type)
                try container.encode(text, forKey: .text)
            case .imageURL(let url):
                try container.encode("image_url", forKey: .type)
                var image = container.nestedContainer(keyedBy: ImageKeys.self, forKey: .imageURL)
                try image.encode(url, forKey: .url)
            }
        }
    }

    struct ResponseFormat: Encodable {
        var type = "json_object"
    }

    var model: String
    var messages: [Message]
    /// 0 so that the answer depends on the question only, which is what caching assumes.
    var temperature: Double = 0
    /// Nil for servers that refuse it; the prompt asks for JSON in words as well.
    var responseFormat: ResponseFormat? = ResponseFormat()

    private enum CodingKeys: String, CodingKey {
        case model, messages, temperature
        case responseFormat = "response_format"
    }
}
