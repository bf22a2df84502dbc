import FineXLCore
import FineXLSupport
import Foundation
import XCTest

/// Near-parallel concepts decided by the stated rule, and concepts as cones of their forms.
final class NearParallelRuleTests: XCTestCase {
    private let encoder = Explanation.EncoderInfo(name: "test", dimension: 6)
    private let options = ExplainOptions(method: .nnls, eOrtho: 0.2, eDecomp: 0.2, bootstrapResamples: 50, seed: 3)

    /// personal = base + shift + small noise, over 30 pairs in 6 dimensions.
    private func pairs(shift: [Double], noise: Double = 0.005, seed: UInt64 = 1) throws -> Divergence {
        var generator = SeededGenerator(seed: seed)
        var base: [[Double]] = [], personal: [[Double]] = []
        for _ in 0..<30 {
            let b = (0..<6).map { _ in Double.random(in: -1...1, using: &generator) }
            base.append(b)
            personal.append(zip(b, shift).map { $0 + $1 + Double.random(in: -noise...noise, using: &generator) })
        }
        return try Divergence(base: base, personal: personal)
    }

    /// "Black and white" along the first axis; "muted colors" nearly parallel to it (|cos| 0.999996),
    /// taking 0.7 of it at level 1; each with the range its name stands for.
    private var desaturation: [Concept] {
        [Concept(name: "black and white", direction: [1, 0, 0, 0, 0, 0], origin: .init(kind: .list),
                 levelRange: LevelRange(lower: 0.75, reason: "at most a quarter of the colour left")),
         Concept(name: "muted colors", direction: [0.7, 0.002, 0, 0, 0, 0], origin: .init(kind: .list),
                 levelRange: LevelRange(upper: 1.07, reason: "more than a quarter of the colour left")),
         Concept(name: "film grain", direction: [0, 0, 1, 0, 0, 0], origin: .init(kind: .list))]
    }

    private func explain(_ divergence: Divergence, _ candidates: [Concept]) throws -> Explanation {
        try Explainer.explain(divergence: divergence, candidates: candidates, unrepresentable: [], encoder: encoder,
                              options: options)
    }

    func testAPartialDesaturationIsNamedMutedWithBlackAndWhiteStatedAsFittingAsWell() throws {
        // 40 % of the colour taken: black and white 0.4 (outside its range), muted colors 0.57.
        let e = try explain(try pairs(shift: [0.4, 0, 0.3, 0, 0, 0]), desaturation)
        let muted = try XCTUnwrap(e.concepts.first { $0.name == "muted colors" })
        XCTAssertEqual(muted.weight, 0.4 / 0.7, accuracy: 0.03)
        XCTAssertNil(e.concepts.first { $0.name == "black and white" })
        let alternative = try XCTUnwrap(muted.alternatives?.first)
        XCTAssertEqual(alternative.name, "black and white")
        XCTAssertEqual(alternative.weight, 0.4, accuracy: 0.02)
        XCTAssertTrue(alternative.reason.contains("is not what its name stands for"), alternative.reason)
        // The alternative's level has an interval of its own, around it and on its own scale
        // (not the kept reading's, which lies around 0.57).
        let ci = try XCTUnwrap(alternative.ci)
        XCTAssertEqual(ci.count, 2)
        XCTAssertTrue(ci[0] <= alternative.weight && alternative.weight <= ci[1], "\(ci)")
        XCTAssertLessThan(ci[1], muted.ci[1] - 0.05, "\(ci) against \(muted.ci)")
        XCTAssertTrue(e.warnings.contains { $0.contains("could not be told apart") && $0.contains(String(format: "[%.2f, %.2f]", ci[0], ci[1])) },
                      "\(e.warnings)")
        XCTAssertEqual(e.weight(of: "film grain") ?? 0, 0.3, accuracy: 0.02)
        // The run records the decision: black and white lost its place to muted colors.
        XCTAssertTrue(e.rejected.contains { $0.name == "black and white" && $0.reason.hasPrefix("read as \"muted colors\"") }
                      || e.filter?.visits.contains { $0.name == "muted colors" && $0.rejection == nil } == true)
    }

    func testATraceOfDesaturationStatesNoAlternative() throws {
        // 2 % of the colour taken, beside a little grain: the desaturation carries most of V_div
        // but reads a level of 0.02–0.03, a trace. The rule still names it by its range (muted
        // colors: black and white stands for at least 0.75), but states no alternative.
        // Weights read as levels (a straight response), as the descriptor's concepts do; without a
        // response a weight has no level scale and the alternative is stated as before.
        let linear = LevelResponse(levels: [0.25, 0.5, 1], weights: [0.25, 0.5, 1])
        let withResponse = desaturation.map { concept -> Concept in
            var c = concept
            c.levelResponse = linear
            return c
        }
        let unscaled = try explain(try pairs(shift: [0.02, 0, 0.01, 0, 0, 0], noise: 0.0005), desaturation)
        XCTAssertTrue(unscaled.warnings.contains { $0.contains("could not be told apart") }, "\(unscaled.warnings)")
        let e = try explain(try pairs(shift: [0.02, 0, 0.01, 0, 0, 0], noise: 0.0005), withResponse)
        let kept = e.concepts.filter { ["muted colors", "black and white"].contains($0.name) }
        XCTAssertEqual(kept.map(\.name), ["muted colors"], "\(e.concepts.map(\.name))")
        XCTAssertLessThan(kept[0].weight, 0.05)
        XCTAssertNil(kept[0].alternatives)
        XCTAssertFalse(e.warnings.contains { $0.contains("could not be told apart") }, "\(e.warnings)")
    }

    func testNearlyAllColourTakenIsBlackAndWhite() throws {
        // 90 % taken: black and white 0.9 is in its range, muted colors 1.29 is not.
        // The pairs' spread (noise 0.05) hides the small second component of muted colors.
        let e = try explain(try pairs(shift: [0.9, 0, 0.3, 0, 0, 0], noise: 0.05), desaturation)
        let bw = try XCTUnwrap(e.concepts.first { $0.name == "black and white" })
        XCTAssertEqual(bw.weight, 0.9, accuracy: 0.03)
        XCTAssertNil(e.concepts.first { $0.name == "muted colors" })
        XCTAssertEqual(bw.alternatives?.first?.name, "muted colors")
    }

    func testARivalThatFitsClearlyWorseIsNoAlternative() throws {
        // The second axis is what muted colors has and black and white lacks: a shift with a
        // large second component is muted colors, and black and white fits it worse.
        let e = try explain(try pairs(shift: [0.7 * 1.0, 0.03 * 1.0 + 0.3, 0, 0, 0, 0]),
                            [Concept(name: "a", direction: [1, 0, 0, 0, 0, 0], origin: .init(kind: .list)),
                             Concept(name: "b", direction: [0.7, 0.3, 0, 0, 0, 0], origin: .init(kind: .list))])
        XCTAssertEqual(e.concepts.first?.name, "b")
        XCTAssertNil(e.concepts.first?.alternatives)
        XCTAssertFalse(e.warnings.contains { $0.contains("could not be told apart") })
    }

    func testAConceptExplainsWhatItsFormDoes() throws {
        // Sepia whose common form also brightens (a fourth axis): a shift made by that form is
        // read as sepia alone, with the form's share stated, not as sepia + bright.
        let sepia = Concept(name: "sepia", direction: [0, 0, 0, 1, 0, 0], origin: .init(kind: .list),
                            forms: [ConceptForm(name: "the classic sepia matrix", direction: [0, 0, 0, 1, 0.5, 0])])
        let bright = Concept(name: "bright", direction: [0, 0, 0, 0, 1, 0.2], origin: .init(kind: .list))
        let e = try explain(try pairs(shift: [0, 0, 0, 0.8, 0.4, 0]), [sepia, bright])
        let read = try XCTUnwrap(e.concepts.first { $0.name == "sepia" })
        XCTAssertEqual(read.weight, 0.8, accuracy: 0.02)
        XCTAssertEqual(read.forms?.first?.name, "the classic sepia matrix")
        XCTAssertEqual(read.forms?.first?.share ?? 0, 1, accuracy: 0.05)
        XCTAssertEqual(e.weight(of: "bright") ?? 0, 0, accuracy: 0.02)
        XCTAssertTrue(e.formSentences.first?.hasPrefix("sepia 0.8") == true, "\(e.formSentences)")
        XCTAssertLessThan(e.residual.relative, 0.05)
    }

    func testThePaperMethodUsesOneDirectionPerConcept() throws {
        let sepia = Concept(name: "sepia", direction: [0, 0, 0, 1, 0, 0], origin: .init(kind: .list),
                            forms: [ConceptForm(name: "matrix", direction: [0, 0, 0, 1, 0.5, 0])])
        var paper = options
        paper.method = .paper
        let e = try Explainer.explain(divergence: try pairs(shift: [0, 0, 0, 0.8, 0.4, 0]), candidates: [sepia],
                                      unrepresentable: [], encoder: encoder, options: paper)
        XCTAssertNil(e.concepts.first?.forms)
        XCTAssertGreaterThan(e.residual.relative, 0.3)
    }
}
