import FineXLCLIP
import FineXLCore
import FineXLSupport
import Foundation

/// Embeddings made elsewhere (a GPU cluster, another pipeline) and brought as NumPy
/// files: `base.npy` and `personal.npy` (`[N, D]`, rows paired), optionally
/// `concepts.npy` (`[K, D]`) with `concepts.txt` naming its rows, one name a line.
package enum PrecomputedEmbeddings {
    package static func load(from directory: URL) throws -> EmbeddedPairs {
        if let problem = FileKind.folderProblem(directory) {
            throw FineXLError("the npy model folder \(directory.path) \(problem); it must hold base.npy, personal.npy, "
                + "concepts.npy and concepts.txt")
        }
        let base = try matrix("base.npy", in: directory)
        let personal = try matrix("personal.npy", in: directory)
        guard base.count == personal.count else {
            throw FineXLError("\(directory.path): base.npy has \(base.count) rows but personal.npy has \(personal.count); rows must pair one to one")
        }
        guard base.first?.count == personal.first?.count else {
            throw FineXLError("\(directory.path): base.npy and personal.npy have different widths")
        }
        return EmbeddedPairs(names: base.indices.map { String(format: "%04d", $0 + 1) }, base: base, personal: personal)
    }

    /// An encoder that maps exactly the concepts listed in concepts.txt and embeds no image.
    static func conceptEncoder(in directory: URL) throws -> any ImageEncoder {
        let dimension = try matrix("base.npy", in: directory).first?.count ?? 0
        var table: [String: [Double]] = [:]
        var order: [String] = []
        let namesFile = directory.appendingPathComponent("concepts.txt")
        if FileManager.default.fileExists(atPath: namesFile.path) {
            let vectors = try matrix("concepts.npy", in: directory)
            let names = try String(contentsOf: namesFile, encoding: .utf8)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard names.count == vectors.count else {
                throw FineXLError("\(namesFile.path) names \(names.count) concepts but concepts.npy has \(vectors.count) rows")
            }
            guard vectors.allSatisfy({ $0.count == dimension }) else {
                throw FineXLError("concepts.npy rows have \(vectors.first?.count ?? 0) values but the embeddings have \(dimension)")
            }
            for (name, vector) in zip(names, vectors) {
                table[name.lowercased()] = vector
                order.append(name)
            }
        }
        let identity = SHA256.hex("npy:" + directory.standardizedFileURL.path + ":" + order.joined(separator: "\n"))
        return PrecomputedConceptEncoder(dimension: dimension, identity: identity, vectors: table, names: order)
    }

    private static func matrix(_ file: String, in directory: URL) throws -> [[Double]] {
        let url = directory.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FineXLError("\(url.path) is missing (the npy encoder needs base.npy and personal.npy)")
        }
        let rows = try NPY.read(contentsOf: url)
        guard !rows.isEmpty else {
            throw FineXLError("\(url.path) has no rows (shape (0, …)); it needs one embedding per row")
        }
        // Checked here, where the file and row are known, rather than later as "an embedding".
        for (index, row) in rows.enumerated() {
            if let column = row.firstIndex(where: { !$0.isFinite }) {
                let value = row[column].isNaN ? "NaN" : "infinity"
                throw FineXLError("\(url.path): row \(index) (counting from 0) has \(value) in column \(column)")
            }
        }
        return rows.map { $0.map(Double.init) }
    }
}

struct PrecomputedConceptEncoder: ImageEncoder {
    let name = "npy"
    let dimension: Int
    let identity: String
    let vectors: [String: [Double]]
    let names: [String]
    let preferredBatchSize = 1
    let parallelizesInternally = false
    var conceptMappingDescription: String { "f(C) is the row of concepts.npy named C in concepts.txt" }
    var conceptVocabulary: [String]? { names }

    func embed(_ images: [RGBImage]) throws -> [[Float]] {
        throw FineXLError("the npy encoder only reads precomputed embeddings; it cannot embed images")
    }

    func mapConcepts(_ names: [String], context: ConceptContext) throws -> [ConceptMapping] {
        names.map { name in
            vectors[name.lowercased()].map(ConceptMapping.vector)
                ?? .unrepresentable(reason: "not among the precomputed concept vectors (concepts.txt)")
        }
    }
}
