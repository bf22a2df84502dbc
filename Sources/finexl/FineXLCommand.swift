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
        } catch let error as FineXLError {
            fail(error.message)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if let error = error as? CocoaError {
                fail(error.localizedDescription)
            }
            let message = self.message(for: error)
            fail(message.isEmpty ? "\(error)" : message.replacingOccurrences(of: "Error: ", with: ""))
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(TerminalText.safe(message))\n".utf8))
        Foundation.exit(1)
    }
}
