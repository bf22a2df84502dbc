/// An inline value in prose, `` `finexl EXPRESSION` ``: a dotted path (`top.weight`,
/// `divergence.norm`) whose first part may be a call with one argument
/// (`weight("warm tones")`, `concept(2).name`, `model("warm").residual`).
package struct InlineExpression: Sendable, Equatable {
    enum Argument: Sendable, Equatable {
        case text(String)
        case integer(Int)
    }

    var head: String
    var argument: Argument?
    var members: [String]

    /// The expression as a reader would write it, for messages.
    var written: String {
        var text = head
        switch argument {
        case .text(let value)?: text += "(\"\(value)\")"
        case .integer(let value)?: text += "(\(value))"
        case nil: break
        }
        return ([text] + members).joined(separator: ".")
    }

    package struct SyntaxError: Error, Equatable {
        var message: String
    }

    package static func parse(_ source: String) throws(SyntaxError) -> InlineExpression {
        var scanner = Scanner(Array(source.trimmingCharacters(in: .whitespaces)))
        guard let head = scanner.identifier() else {
            throw SyntaxError(message: source.isEmpty ? "empty inline value after `finexl`" : "expected a name at the start of `\(source)`")
        }
        var argument: Argument?
        if scanner.consume("(") {
            scanner.skipSpaces()
            if let quote = scanner.peek, quote == "\"" || quote == "'" {
                scanner.advance()
                guard let text = scanner.until(quote) else { throw SyntaxError(message: "unclosed \(quote) in `\(source)`") }
                argument = .text(text)
            } else if let digits = scanner.digits(), let value = Int(digits) {
                argument = .integer(value)
            } else {
                throw SyntaxError(message: "`\(head)(…)` takes a quoted name or a number in `\(source)`")
            }
            scanner.skipSpaces()
            guard scanner.consume(")") else { throw SyntaxError(message: "missing `)` in `\(source)`") }
        }
        var members: [String] = []
        while scanner.consume(".") {
            guard let member = scanner.identifier() else { throw SyntaxError(message: "expected a name after `.` in `\(source)`") }
            members.append(member)
        }
        guard scanner.atEnd else {
            throw SyntaxError(message: "unexpected `\(String(scanner.rest))` in `\(source)`")
        }
        return InlineExpression(head: head, argument: argument, members: members)
    }

    private struct Scanner {
        let characters: [Character]
        var index = 0

        init(_ characters: [Character]) { self.characters = characters }

        var atEnd: Bool { index == characters.count }
        var peek: Character? { atEnd ? nil : characters[index] }
        var rest: ArraySlice<Character> { characters[index...] }

        mutating func advance() { index += 1 }

        mutating func skipSpaces() {
            while let c = peek, c == " " { advance() }
        }

        mutating func consume(_ c: Character) -> Bool {
            guard peek == c else { return false }
            advance()
            return true
        }

        mutating func identifier() -> String? {
            guard let first = peek, first.isLetter || first == "_" else { return nil }
            var name = ""
            while let c = peek, c.isLetter || c.isNumber || c == "_" {
                name.append(c)
                advance()
            }
            return name
        }

        mutating func digits() -> String? {
            var text = ""
            while let c = peek, c.isASCII, c.isNumber {
                text.append(c)
                advance()
            }
            return text.isEmpty ? nil : text
        }

        mutating func until(_ terminator: Character) -> String? {
            var text = ""
            while let c = peek {
                advance()
                if c == terminator { return text }
                text.append(c)
            }
            return nil
        }
    }
}
