import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way FineXL replaces an output file: the new content is written beside the file
/// under a hidden name and renamed over it, so a reader sees the old file or the new one,
/// never half of one. A symbolic link is written through (its target is replaced, beside the
/// target, and the link stays); a FIFO, device, socket or folder is refused, never replaced.
package enum AtomicFile {
    /// The path a write to `url` replaces: `url`, or the end of its chain of symbolic links.
    /// Throws when that is something other than a regular file or nothing yet.
    package static func destination(for url: URL) throws -> URL {
        var current = url.standardizedFileURL
        for _ in 0..<40 {
            switch FileKind.at(current.path, followingLinks: false) {
            case .missing, .regular:
                return current
            case .symbolicLink:
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path) else {
                    throw FineXLError("cannot read the symbolic link \(current.path)")
                }
                current = target.hasPrefix("/") ? URL(fileURLWithPath: target)
                    : current.deletingLastPathComponent().appendingPathComponent(target)
                current = current.standardizedFileURL
            case let kind:
                throw FineXLError("\(url.path) is \(kind.description); FineXL writes its outputs as regular files, "
                    + "so give a file path instead")
            }
        }
        throw FineXLError("\(url.path) is a symbolic link that loops back to itself")
    }

    /// Replaces the file at `url` (or its link target) with `data`. An existing file keeps its permissions.
    package static func write(_ data: Data, to url: URL) throws {
        let target = try destination(for: url)
        let folder = target.deletingLastPathComponent()
        let staged = folder.appendingPathComponent(".\(target.lastPathComponent).\(getpid())-\(UUID().uuidString.prefix(8)).partial")
        do {
            try data.write(to: staged, options: .withoutOverwriting)
        } catch {
            throw FineXLError("cannot write \(url.path): \(error.localizedDescription)")
        }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: target.path))?[.posixPermissions] as? NSNumber {
            chmod(staged.path, mode_t(mode.uint16Value))
        }
        if rename(staged.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: staged)
            throw FineXLError("cannot write \(url.path): \(reason)")
        }
    }
}
