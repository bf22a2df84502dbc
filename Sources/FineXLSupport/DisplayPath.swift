import Foundation

/// How a report names a file, so a report can be shared as it is: relative to the folder it is
/// read from (the notebook's folder, or the working folder for `finexl explain --output`), or
/// with `~` for the home folder, and the absolute path of the rendering machine only as a last
/// resort.
package enum DisplayPath {
    /// How many `../` a relative name may climb before `~/…` or the absolute path reads better.
    static let maximumClimb = 3

    /// `url` as a reader of a report about `base` should see it.
    /// - Parameter home: the home folder (`$HOME` unless given; tests pass their own).
    package static func relative(_ url: URL, to base: URL,
                                home: String? = ProcessInfo.processInfo.environment["HOME"]) -> String {
        let target = components(url)
        let from = components(base)
        var shared = 0
        while shared < min(target.count, from.count), target[shared] == from[shared] { shared += 1 }
        let climb = from.count - shared
        // A shared first folder at least: `../../../usr/share` from `/home/me/notes` says less than `/usr/share`.
        if shared > 0, climb <= maximumClimb {
            let parts = Array(repeating: "..", count: climb) + target[shared...]
            return parts.isEmpty ? "." : parts.joined(separator: "/")
        }
        if let home, !home.isEmpty {
            let homeParts = components(URL(fileURLWithPath: home))
            if !homeParts.isEmpty, target.starts(with: homeParts) {
                return (["~"] + target[homeParts.count...]).joined(separator: "/")
            }
        }
        return url.standardizedFileURL.path
    }

    /// The folders of a path, `.` and `..` resolved, without the root.
    private static func components(_ url: URL) -> [String] {
        url.standardizedFileURL.path.split(separator: "/").map(String.init)
    }
}
