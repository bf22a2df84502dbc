@testable import FineXLNotebook
import XCTest

final class InlineExpressionTests: XCTestCase {
    func testParsesDottedPaths() throws {
        XCTAssertEqual(try InlineExpression.parse("top.name"), InlineExpression(head: "top", argument: nil, members: ["name"]))
        XCTAssertEqual(try InlineExpression.parse("divergence.norm"),
                       InlineExpression(head: "divergence", argument: nil, members: ["norm"]))
        XCTAssertEqual(try InlineExpression.parse("residual"), InlineExpression(head: "residual", argument: nil, members: []))
    }

    func testParsesCallsWithQuotedOrNumericArguments() throws {
        XCTAssertEqual(try InlineExpression.parse("weight(\"warm tones\")"),
                       InlineExpression(head: "weight", argument: .text("warm tones"), members: []))
        XCTAssertEqual(try InlineExpression.parse("concept(2).ci"),
                       InlineExpression(head: "concept", argument: .integer(2), members: ["ci"]))
        XCTAssertEqual(try InlineExpression.parse("weight('film grain')"),
                       InlineExpression(head: "weight", argument: .text("film grain"), members: []))
    }

    func testRejectsMalformedExpressions() {
        for bad in ["", "top.", "weight(\"warm", "weight(warm)", "top name", "1top", "weight(\"a\""] {
            XCTAssertThrowsError(try InlineExpression.parse(bad), "accepted `\(bad)`")
        }
    }
}
