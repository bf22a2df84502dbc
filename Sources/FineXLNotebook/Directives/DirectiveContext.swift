import FineXLCore
import FineXLSupport
import Foundation

/// What a running directive reads: its options and where relative paths start.
struct DirectiveContext {
    let directive: Notebook.Directive
    /// The notebook's folder.
    let directory: URL

    var options: DirectiveOptions { directive.options }
    var line: Int { directive.line }

    /// The line of an option, else the directive's own line.
    func line(of option: String) -> Int { options.line(of: option) ?? directive.line }

    /// A path option resolved against the notebook's folder.
    func url(_ path: String) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return directory.appendingPathComponent(expanded).standardizedFileURL
    }

    /// `folder` as a URL relative to the notebook's folder when `DisplayPath` names it that way,
    /// so what a reader of the folder says about it (unpaired images, files that are not images)
    /// names it as the report does, not with this machine's absolute path.
    func relativeURL(_ folder: URL) -> URL {
        let shown = DisplayPath.relative(folder, to: directory)
        guard !shown.hasPrefix("/"), !shown.hasPrefix("~") else { return folder }
        // The base must be marked a folder, or resolving would replace its last component.
        return URL(fileURLWithPath: shown, isDirectory: true, relativeTo: URL(fileURLWithPath: directory.path, isDirectory: true))
    }

    /// An existing folder named by a path option, or a failure on that option's line.
    func folder(_ option: String, path: String) throws -> URL {
        let url = url(path)
        if let problem = FileKind.folderProblem(url) {
            throw FineXLError("`\(option)` folder `\(path)` \(problem) (looked in \(DisplayPath.relative(url, to: directory)))", line: line(of: option))
        }
        return url
    }
}
