import FineXLSupport
import Foundation

/// CLIP's byte-level BPE tokenizer, as `transformers`' `CLIPTokenizer`: NFC,
/// runs of whitespace to one space, lower case; split into special tokens,
/// contractions, letter runs, single digits and punctuation runs; bytes mapped
/// to printable characters; BPE with `</w>` marking the end of each word;
/// `<|startoftext|>` … `<|endoftext|>` around at most `contextLength` tokens.
package struct CLIPTokenizer: Sendable {
    package struct Encoding: Sendable, Equatable {
        /// Start token, content, end token; never longer than the context.
        package var ids: [Int]
        /// Whether content was dropped to fit the context.
        package var truncated: Bool
    }

    package let startID: Int
    package let endID: Int
    package let contextLength: Int
    private let vocabulary: [String: Int]
    private let ranks: [Pair: Int]
    private let byteSymbols: [String]

    private struct Pair: Hashable {
        var first: String
        var second: String
    }

    private static let startToken = "<|startoftext|>"
    private static let endToken = "<|endoftext|>"
    private static let contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]

    /// Loads `vocab.json` and `merges.txt` (the `#version` line, if any, is skipped).
    package init(vocabulary vocabURL: URL, merges mergesURL: URL, contextLength: Int = 77) throws {
        let vocabData: Data
        let mergesText: String
        do {
            vocabData = try Data(contentsOf: vocabURL)
        } catch {
            throw FineXLError("\(vocabURL.path): cannot read the tokenizer vocabulary")
        }
        do {
            mergesText = try String(contentsOf: mergesURL, encoding: .utf8)
        } catch {
            throw FineXLError("\(mergesURL.path): cannot read the tokenizer merges")
        }
        guard let json = (try? JSONSerialization.jsonObject(with: vocabData)) as? [String: Any] else {
            throw FineXLError("\(vocabURL.lastPathComponent): not a JSON object of token ids")
        }
        var vocabulary: [String: Int] = [:]
        vocabulary.reserveCapacity(json.count)
        for (token, value) in json {
            guard let id = value as? NSNumber else {
                throw FineXLError("\(vocabURL.lastPathComponent): token '\(token)' has no integer id")
            }
            vocabulary[token] = id.intValue
        }
        var ranks: [Pair: Int] = [:]
        var lineNumber = 0
        for line in mergesText.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.hasPrefix("#version") || line.isEmpty { continue }
            let parts = line.split(separator: " ")
            guard parts.count == 2 else {
                throw FineXLError("\(mergesURL.lastPathComponent) line \(lineNumber): expected two symbols, found '\(line)'")
            }
            let pair = Pair(first: String(parts[0]), second: String(parts[1]))
            if ranks[pair] == nil { ranks[pair] = ranks.count }
        }
        try self.init(vocabulary: vocabulary, ranks: ranks, contextLength: contextLength, name: vocabURL.lastPathComponent)
    }

    /// Bytes and byte-final symbols only, no merges, then the two special
    /// tokens (ids 512, 513): real BPE output for benchmarks without a model folder.
    package init(byteLevelVocabularyWithContext contextLength: Int) throws {
        let symbols = Self.byteToUnicode()
        var vocabulary: [String: Int] = [:]
        for (i, symbol) in (symbols + symbols.map { $0 + "</w>" } + [Self.startToken, Self.endToken]).enumerated() {
            vocabulary[symbol] = i
        }
        try self.init(vocabulary: vocabulary, ranks: [:], contextLength: contextLength, name: "byte-level vocabulary")
    }

    private init(vocabulary: [String: Int], ranks: [Pair: Int], contextLength: Int, name: String) throws {
        guard let start = vocabulary[Self.startToken], let end = vocabulary[Self.endToken] else {
            throw FineXLError("\(name): the vocabulary lacks \(Self.startToken) or \(Self.endToken)")
        }
        guard contextLength >= 2 else {
            throw FineXLError("CLIP context length \(contextLength) leaves no room for text")
        }
        self.vocabulary = vocabulary
        self.ranks = ranks
        self.startID = start
        self.endID = end
        self.contextLength = contextLength
        self.byteSymbols = Self.byteToUnicode()
    }

    /// GPT-2's reversible map from bytes to printable characters: printable
    /// Latin-1 bytes stand for themselves, the rest are shifted past U+0100.
    private static func byteToUnicode() -> [String] {
        var symbols = [String](repeating: "", count: 256)
        var next = 256
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            var scalar = byte
            if !printable {
                scalar = next
                next += 1
            }
            symbols[byte] = String(Character(Unicode.Scalar(UInt32(scalar))!))
        }
        return symbols
    }

    /// The token ids of `text`, with start and end tokens, truncated to the context.
    package func encode(_ text: String) -> Encoding {
        var content: [Int] = []
        for piece in Self.pretokenize(Self.normalize(text)) {
            if let special = (piece == Self.startToken || piece == Self.endToken) ? vocabulary[piece] : nil {
                content.append(special)
                continue
            }
            for symbol in bpe(piece) {
                content.append(vocabulary[symbol] ?? endID)
            }
        }
        let room = contextLength - 2
        let truncated = content.count > room
        if truncated { content.removeLast(content.count - room) }
        return Encoding(ids: [startID] + content + [endID], truncated: truncated)
    }

    static func normalize(_ text: String) -> String {
        var collapsed = String.UnicodeScalarView()
        var inWhitespace = false
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace {
                if !inWhitespace { collapsed.append(" ") }
                inWhitespace = true
            } else {
                collapsed.append(scalar)
                inWhitespace = false
            }
        }
        return String(collapsed).lowercased()
    }

    private static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    private static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// The pieces CLIP's split pattern keeps, tried in the pattern's order at
    /// each position: special tokens, contractions, `\p{L}+`, `\p{N}`,
    /// `[^\s\p{L}\p{N}]+`; whitespace between pieces is dropped.
    static func pretokenize(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = []
        var i = 0
        func matches(_ literal: String, at position: Int) -> Bool {
            var p = position
            for s in literal.unicodeScalars {
                guard p < scalars.count, scalars[p] == s else { return false }
                p += 1
            }
            return true
        }
        func emit(_ range: Range<Int>) {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range])
            pieces.append(String(view))
        }
        scan: while i < scalars.count {
            for literal in [startToken, endToken] + contractions where matches(literal, at: i) {
                let length = literal.unicodeScalars.count
                emit(i..<(i + length))
                i += length
                continue scan
            }
            let s = scalars[i]
            var j = i + 1
            if isLetter(s) {
                while j < scalars.count, isLetter(scalars[j]) { j += 1 }
            } else if isNumber(s) {
                // One digit per piece.
            } else if s.properties.isWhitespace {
                i += 1
                continue
            } else {
                while j < scalars.count, !isLetter(scalars[j]), !isNumber(scalars[j]),
                      !scalars[j].properties.isWhitespace { j += 1 }
            }
            emit(i..<j)
            i = j
        }
        return pieces
    }

    /// Byte-pair merges of one piece, lowest-ranked pair first, every
    /// occurrence of it at once, as CLIP's reference `bpe`.
    private func bpe(_ piece: String) -> [String] {
        var word = piece.utf8.map { byteSymbols[Int($0)] }
        guard !word.isEmpty else { return [] }
        word[word.count - 1] += "</w>"
        while word.count > 1 {
            var best: (rank: Int, pair: Pair)?
            for i in 0..<(word.count - 1) {
                let pair = Pair(first: word[i], second: word[i + 1])
                if let rank = ranks[pair], rank < (best?.rank ?? Int.max) { best = (rank, pair) }
            }
            guard let (_, pair) = best else { break }
            var merged: [String] = []
            merged.reserveCapacity(word.count)
            var i = 0
            while i < word.count {
                if i < word.count - 1, word[i] == pair.first, word[i + 1] == pair.second {
                    merged.append(pair.first + pair.second)
                    i += 2
                } else {
                    merged.append(word[i])
                    i += 1
                }
            }
            word = merged
        }
        return word
    }
}
