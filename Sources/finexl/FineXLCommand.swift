import ArgumentParser
import FineXLSupport
import Foundation

@main
struct FineXLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finexl",
        abstract: "Explain in words and numbers how a personalized image generator differs from its base model.",
        discussion: "Method: Wang & Gao, \"Deciphering Personalization\" (arXiv 2511.01932).",
        version: FineXLVersion.current,
        subcommands: [RenderCommand.self, ExplainCommand.self, EmbedCommand.self, SynthCommand.self, BenchCommand.self])

    /// Parses, runs, and turns every failure into one `error:` line and a non-zero exit.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(for: error)
        }
    }

    private static func exit(for error: any Error) -> Never {
        switch error {
        case let error as FineXLError:
            fail(error.description)
        case let code as ExitCode:
            Foundation.exit(code.rawValue)
        case let error as CocoaError:
            fail(error.localizedDescription)
        default:
            // Help and --version exit cleanly; ArgumentParser's own messages (and a FineXLError
            // thrown by a validate(), which it wraps) come as one line from message(for:).
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = self.message(for: error)
            fail(message.isEmpty ? "\(error)" : message)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(TerminalText.safe(message))\n".utf8))
        Foundation.exit(1)
    }
}
