import FineXLCore
@testable import FineXLNotebook
import FineXLSupport
import XCTest

final class InlineEvaluatorTests: XCTestCase {
    private func state() -> NotebookState {
        var state = NotebookState(key: "test")
        let origin = ConceptOrigin(kind: .vocabulary)
        state.explanation = Explanation(
            encoder: .init(name: "descriptor", dimension: 3), pairs: 12, method: .nnls,
            thresholds: .init(eOrtho: 0.2, eDecomp: 0.2, bootstrapResamples: 10, seed: 0),
            divergence: .init(norm: 0.41234, meanPairNorm: 0.5),
            concepts: [
                .init(name: "warm tones", weight: 0.612, ci: [0.55, 0.674], ciSampling: [0.58, 0.641], alignment: 0.9, auroc: 0.98,
                      paired: .init(share: 0.95, p: 2e-9, test: "wilcoxon-signed-rank"), origin: origin),
                .init(name: "film grain", weight: 0.287, ci: [0.2, 0.35], alignment: 0.4, auroc: 0.8,
                      paired: .init(share: 0.7, p: 0.0123, test: "wilcoxon-signed-rank"), origin: origin),
            ],
            rejected: [.init(name: "sepia", reason: "not orthogonal to kept concepts")],
            residual: .init(relative: 0.123), steps: [], warnings: [])
        return state
    }

    private func value(_ expression: String) throws -> String {
        try InlineEvaluator(state: state()).evaluate(InlineExpression.parse(expression))
    }

    func testFormatsDecompositionValues() throws {
        XCTAssertEqual(try value("top.name"), "warm tones")
        XCTAssertEqual(try value("top"), "warm tones")
        XCTAssertEqual(try value("top.weight"), "0.61")
        XCTAssertEqual(try value("top.ci"), "[0.55, 0.67]")
        XCTAssertEqual(try value("top.sampling"), "[0.58, 0.64]")
        // Without a sampling interval of its own, the 95 % interval is the only one.
        XCTAssertEqual(try value("concept(2).sampling"), "[0.20, 0.35]")
        XCTAssertEqual(try value("weight(\"film grain\")"), "0.29")
        XCTAssertEqual(try value("concept(2).name"), "film grain")
        XCTAssertEqual(try value("p(\"film grain\")"), "0.012")
        XCTAssertEqual(try value("top.p"), "2e-09")
        XCTAssertEqual(try value("residual"), "0.12")
        XCTAssertEqual(try value("residual.percent"), "12 %")
        XCTAssertEqual(try value("pairs"), "12")
        XCTAssertEqual(try value("concepts.count"), "2")
        XCTAssertEqual(try value("rejected.names"), "sepia")
    }

    func testConceptThatWasRejectedSaysWhy() {
        XCTAssertThrowsError(try value("weight(\"sepia\")")) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains("not orthogonal") ?? false, "\(error)")
        }
    }

    func testUnknownValuesAndMembersAreFailures() {
        XCTAssertThrowsError(try value("tops.name")) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains("did you mean `top.name`?") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try value("top.colour")) { error in
            XCTAssertTrue((error as? FineXLError)?.message.contains(".weight") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try value("concept(3).name"))
    }

    func testValueNeedingLaterStateNamesTheDirective() {
        XCTAssertThrowsError(try InlineEvaluator(state: NotebookState(key: "empty")).evaluate(InlineExpression.parse("top.weight"))) { error in
            let error = error as? FineXLError
            XCTAssertEqual(error?.kind, .missingInput)
            XCTAssertTrue(error?.message.contains("`finexl decompose`") ?? false, "\(String(describing: error))")
        }
    }
}
