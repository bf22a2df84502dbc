/// Finds YAML anchors (`&name`) and aliases (`*name`) before Yams composes a document.
///
/// Notebooks do not support them, and Yams expands aliases while composing: a few hundred bytes
/// of nested aliases ("billion laughs") become gigabytes. So the text is scanned first, in one
/// pass, and a document with an anchor or alias is never handed to Yams.
///
/// The scan follows YAML only as far as needed to know where a node starts: quoted scalars,
/// comments, block scalars (`|`, `>`) and flow collections are skipped or tracked; a `&` or `*`
/// inside a plain scalar (`2*3`, `Tom & Jerry`, `a *b*`) is text. Where it cannot tell (a
/// continuation line of a multi-line plain scalar that starts with `*`), it reports the
/// character — a false alarm is a message asking for quotes, a miss would be a runaway.
package enum YAMLAnchorScan {
    package struct Finding: Equatable {
        /// 0-based line within the scanned text.
        var line: Int
        /// The anchor or alias as written, at most 40 characters.
        var token: String
        var isAlias: Bool
    }

    package static func firstAnchorOrAlias(in yaml: String) -> Finding? {
        var quote: Character?          // inside a quoted scalar that may span lines
        var flowDepth = 0
        var blockScalarParent: Int?    // indentation a block scalar's lines must exceed
        for (lineNumber, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let characters = Array(line)
            let indent = characters.prefix { $0 == " " }.count
            if let parent = blockScalarParent {
                let blank = characters.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
                if blank || indent > parent { continue }
                blockScalarParent = nil
            }
            var index = 0
            var atNodeStart = quote == nil
            var nodeColumn = indent
            while index < characters.count {
                let character = characters[index]
                if let open = quote {
                    if open == "\"" && character == "\\" {
                        index += 2
                        continue
                    }
                    if character == open {
                        if open == "'" && index + 1 < characters.count && characters[index + 1] == "'" {
                            index += 2
                            continue
                        }
                        quote = nil
                    }
                    index += 1
                    continue
                }
                let next: Character = index + 1 < characters.count ? characters[index + 1] : " "
                let nextIsSpace = next == " " || next == "\t" || next == "\r"
                if character == "#" && (index == 0 || characters[index - 1] == " " || characters[index - 1] == "\t") { break }
                if character == " " || character == "\t" || character == "\r" {
                    index += 1
                    continue
                }
                if atNodeStart {
                    switch character {
                    case "&", "*":
                        let token = characters[index...].prefix { $0 != " " && $0 != "\t" && $0 != "," && $0 != "]" && $0 != "}" }
                        return Finding(line: lineNumber, token: String(token.prefix(40)), isAlias: character == "*")
                    case "'", "\"":
                        quote = character
                        atNodeStart = false
                    case "|", ">":
                        blockScalarParent = nodeColumn
                        index = characters.count
                        continue
                    case "!":
                        // A tag; the node itself follows it.
                        while index < characters.count, characters[index] != " ", characters[index] != "\t" { index += 1 }
                        continue
                    case "-" where nextIsSpace, "?" where nextIsSpace, ":" where nextIsSpace:
                        nodeColumn = index
                    case "[", "{":
                        flowDepth += 1
                    case "]", "}":
                        flowDepth = max(0, flowDepth - 1)
                        atNodeStart = false
                    case "," where flowDepth > 0:
                        break
                    default:
                        nodeColumn = index
                        atNodeStart = false
                    }
                    index += 1
                    continue
                }
                // Inside a plain scalar or after a closed node: only indicators that start a new node matter.
                if character == ":" && (nextIsSpace || (flowDepth > 0 && (next == "," || next == "]" || next == "}"))) {
                    atNodeStart = true
                } else if flowDepth > 0 {
                    switch character {
                    case ",": atNodeStart = true
                    case "[", "{":
                        flowDepth += 1
                        atNodeStart = true
                    case "]", "}": flowDepth = max(0, flowDepth - 1)
                    default: break
                    }
                }
                index += 1
            }
        }
        return nil
    }
}
