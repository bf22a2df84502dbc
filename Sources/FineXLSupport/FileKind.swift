import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, as `stat(2)` / `lstat(2)` see it, so messages can say "is a folder",
/// "is a FIFO" or "is a dangling link" instead of a raw system error.
package enum FileKind: Equatable, Sendable {
    case missing
    case regular
    case directory
    case symbolicLink
    case fifo
    case characterDevice
    case blockDevice
    case socket
    /// A link whose target does not exist.
    case danglingLink
    /// A link that leads back to itself (`ELOOP`).
    case linkLoop
    /// Not reachable: a permission problem or another error, with its reason.
    case unreadable(String)

    /// The kind of what `path` names; with `followingLinks` a link is described by its target
    /// (or as dangling or a loop), without it a link is `.symbolicLink`.
    /// The corresponding C functions are `stat` and `lstat`.
    package static func at(_ path: String, followingLinks: Bool = true) -> FileKind {
        var info = stat()
        let status = followingLinks ? stat(path, &info) : lstat(path, &info)
        if status != 0 {
            let code = errno
            if code == ELOOP { return .linkLoop }
            if code == ENOENT || code == ENOTDIR {
                var linkInfo = stat()
                if followingLinks, lstat(path, &linkInfo) == 0, (linkInfo.st_mode & S_IFMT) == S_IFLNK { return .danglingLink }
                return .missing
            }
            return .unreadable(String(cString: strerror(code)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        case S_IFIFO: return .fifo
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFSOCK: return .socket
        default: return .unreadable("unknown file type")
        }
    }

    package static func isDirectory(_ url: URL) -> Bool { at(url.path) == .directory }

    /// Why `url` is not a folder ("does not exist", "is a file, not a folder", …), or nil when it is one.
    package static func folderProblem(_ url: URL) -> String? {
        switch at(url.path) {
        case .directory: return nil
        case .missing: return "does not exist"
        case .regular: return "is a file, not a folder"
        case let kind: return "is \(kind.description), not a folder"
        }
    }

    /// "a folder", "a FIFO (named pipe)", … for "X is …" messages.
    package var description: String {
        switch self {
        case .missing: return "missing"
        case .regular: return "a regular file"
        case .directory: return "a folder"
        case .symbolicLink: return "a symbolic link"
        case .fifo: return "a FIFO (named pipe), not a regular file"
        case .characterDevice: return "a character device, not a regular file"
        case .blockDevice: return "a block device, not a regular file"
        case .socket: return "a socket, not a regular file"
        case .danglingLink: return "a symbolic link to nothing (its target does not exist)"
        case .linkLoop: return "a symbolic link that loops back to itself"
        case .unreadable(let reason): return "not readable (\(reason))"
        }
    }
}
