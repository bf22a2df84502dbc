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

    /// An existing folder named by a path option, or a failure on that option's line.
    func folder(_ option: String, path: String) throws -> URL {
        let url = url(path)
        if let problem = FileKind.folderProblem(url) {
            throw FineXLError("`\(option)` folder `\(path)` \(problem) (looked in \(DisplayPath.relative(url, to: directory)))", line: line(of: option))
        }
        return url
    }
}
