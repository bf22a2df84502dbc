import FineXLCore
import FineXLImage
import FineXLSupport
import Foundation

/// The base images of the real-picture benchmark: the PNG crops in `BenchData/photos/`, each
/// listed with its source and licence in the README.md beside them.
package struct PhotoSet: Sendable {
    package struct Photo: Sendable {
        /// File name without extension ("coffee_cup").
        package let name: String
        package let image: RGBImage
        /// SHA-256 of the file's bytes.
        package let digest: String
    }

    package let directory: URL
    package let photos: [Photo]

    /// Where the photos live relative to a checkout of the repository.
    package static let relativePath = "BenchData/photos"

    /// Loads every PNG in `directory`, sorted by name, and checks the README lists exactly them.
    package init(directory: URL) throws {
        self.directory = directory
        let readme = directory.appendingPathComponent("README.md")
        guard let readmeText = try? String(contentsOf: readme, encoding: .utf8) else {
            throw FineXLError("\(readme.path): cannot read the photo set's README.md (it lists each file's source and licence)")
        }
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.lowercased().hasSuffix(".png") }.sorted()
        } catch {
            throw FineXLError("\(directory.path): cannot list the photo set (\(error.localizedDescription))")
        }
        guard files.count >= 2 else {
            throw FineXLError("\(directory.path): the photo set needs at least 2 PNG files, found \(files.count)")
        }
        let listed = Set(Self.listedFiles(inReadme: readmeText))
        let unlisted = files.filter { !listed.contains($0) }
        let missing = listed.subtracting(files).sorted()
        guard unlisted.isEmpty, missing.isEmpty else {
            var parts: [String] = []
            if !unlisted.isEmpty { parts.append("not listed in README.md: " + unlisted.joined(separator: ", ")) }
            if !missing.isEmpty { parts.append("listed but missing: " + missing.joined(separator: ", ")) }
            throw FineXLError("\(directory.path): " + parts.joined(separator: "; "))
        }
        photos = try Parallel.map(files.count) { i in
            let url = directory.appendingPathComponent(files[i])
            let read = try ImageDecoder.read(url)
            return Photo(name: String(files[i].dropLast(4)), image: try read.decode(), digest: read.digest)
        }
    }

    /// The file names in the README's "## Files" table: first cells ending in ".png".
    static func listedFiles(inReadme text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let heading = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "## Files" }) else { return [] }
        return lines[heading...].dropFirst().prefix { !$0.hasPrefix("## ") }.compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard line.hasPrefix("|"), cells.count > 2 else { return nil }
            let first = cells[1].trimmingCharacters(in: .whitespaces)
            return first.lowercased().hasSuffix(".png") ? first : nil
        }
    }

    /// `explicit` if given; else `BenchData/photos` under the current directory, else under the
    /// nearest ancestor of the running executable that has it (a build inside the checkout).
    package static func locate(explicit: String?) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit, isDirectory: true) }
        let fileManager = FileManager.default
        var candidates = [URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent(relativePath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            candidates.append(folder.appendingPathComponent(relativePath))
            folder.deleteLastPathComponent()
        }
        for candidate in candidates where fileManager.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
            return candidate
        }
        throw FineXLError("the benchmark photos (\(relativePath)) were not found in the current directory or above the finexl executable; run from the repository root or pass --photos DIR")
    }
}
