import FineXLCore

/// One option a directive accepts: its name, the type of its value and a short help text.
struct OptionSpec: Sendable {
    enum ValueType: Sendable {
        case text
        /// A file or folder, relative to the notebook.
        case path
        case integer(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        case boolean
        case choice([String])
        /// A YAML list of names, or one comma-separated string.
        case textList
        /// A nested mapping the directive reads itself (synthetic specs, models, targets).
        case mapping

        var summary: String {
            switch self {
            case .text: return "text"
            case .path: return "a folder path"
            case .integer(let range): return "a whole number in \(range.lowerBound)…\(range.upperBound)"
            case .number(let range): return "a number in \(range.lowerBound.formatted)…\(range.upperBound.formatted)"
            case .boolean: return "true or false"
            case .choice(let names): return "one of " + names.joined(separator: ", ")
            case .textList: return "a list of names"
            case .mapping: return "a mapping (`name: value` lines, indented)"
            }
        }
    }

    var name: String
    var type: ValueType
    var help: String

    /// Checks and converts a YAML value, or says what was expected.
    func validate(_ value: YAMLValue, directive: String) throws(NotebookProblem) -> OptionValue {
        func wrongType() -> NotebookProblem {
            NotebookProblem(line: value.line,
                            message: "option `\(name)` of `\(directive)` wants \(type.summary), got `\(value.shortDescription)`")
        }
        switch type {
        case .text, .path:
            guard let text = value.scalarText, !text.isEmpty else { throw wrongType() }
            return .text(text)
        case .integer(let range):
            guard let integer = value.integer else { throw wrongType() }
            guard range.contains(integer) else { throw wrongType() }
            return .integer(integer)
        case .number(let range):
            guard let number = value.number, number.isFinite else { throw wrongType() }
            guard range.contains(number) else { throw wrongType() }
            return .number(number)
        case .boolean:
            guard let boolean = value.boolean else { throw wrongType() }
            return .boolean(boolean)
        case .choice(let names):
            guard let text = value.scalarText else { throw wrongType() }
            guard names.contains(text) else {
                let hint = NearestName.suggestion(for: text, among: names).map { " (did you mean `\($0)`?)" } ?? ""
                throw NotebookProblem(line: value.line, message: "option `\(name)` of `\(directive)` cannot be `\(text)`\(hint); "
                                      + "it is \(type.summary)")
            }
            return .text(text)
        case .textList:
            if let items = value.items {
                var names: [String] = []
                for item in items {
                    guard let text = item.scalarText?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { throw wrongType() }
                    names.append(text)
                }
                guard !names.isEmpty else { throw wrongType() }
                return .textList(names)
            }
            guard let text = value.scalarText else { throw wrongType() }
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { throw wrongType() }
            return .textList(names)
        case .mapping:
            guard value.entries != nil else { throw wrongType() }
            return .mapping(value)
        }
    }
}

/// A checked option value.
enum OptionValue: Sendable, Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case textList([String])
    case mapping(YAMLValue)

    var canonical: String {
        switch self {
        case .text(let text): return "t:" + text.debugDescription
        case .integer(let value): return "i:\(value)"
        case .number(let value): return "n:\(value)"
        case .boolean(let value): return "b:\(value)"
        case .textList(let names): return "l:" + names.map(\.debugDescription).joined(separator: ",")
        case .mapping(let value): return "m:" + value.canonical
        }
    }
}

extension Double {
    /// Shortest text that reads back as the same number ("0.2", "1", "1e-09").
    var formatted: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int(self)) }
        return "\(self)"
    }
}
