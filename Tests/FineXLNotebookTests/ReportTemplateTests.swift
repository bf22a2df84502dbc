import FineXLTestSupport
import Foundation
import XCTest
@testable import FineXLNotebook

final class ReportTemplateTests: TemporaryFolderTestCase {
    private func templatesFolder(page: String?, css: String?, partials: [String: String] = [:]) throws -> URL {
        let directory = try makeDirectory()
        if let page { try page.write(to: directory.appendingPathComponent("report.mustache"), atomically: true, encoding: .utf8) }
        if let css { try css.write(to: directory.appendingPathComponent("report.css"), atomically: true, encoding: .utf8) }
        for (name, text) in partials {
            try text.write(to: directory.appendingPathComponent(name + ".mustache"), atomically: true, encoding: .utf8)
        }
        return directory
    }

    func testBuiltInCopyMatchesTemplatesFolder() throws {
        let page = try String(contentsOf: projectTemplatesURL.appendingPathComponent("report.mustache"), encoding: .utf8)
        let css = try String(contentsOf: projectTemplatesURL.appendingPathComponent("report.css"), encoding: .utf8)
        XCTAssertEqual(DefaultReportTemplate.page, page,
                       "Templates/report.mustache changed: copy it into DefaultReportTemplate.page")
        XCTAssertEqual(DefaultReportTemplate.css, css,
                       "Templates/report.css changed: copy it into DefaultReportTemplate.css")
    }

    func testCustomTemplatesFolderIsUsedWithItsPartials() throws {
        let folder = try templatesFolder(
            page: "<h1>{{title}}</h1><style>{{{css}}}</style>{{#blocks}}{{> block}}{{/blocks}}",
            css: "h1 { color: teal }",
            partials: ["block": "{{#figure}}[F{{number}} {{alt}}]{{/figure}}"])
        let directory = try makeDirectory()
        let url = try ReportWriter.write(sampleDocument(figures: 2), name: "custom", to: directory, selfContained: true,
                                         templates: folder)
        let html = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(html, "<h1>Style LoRA</h1><style>h1 { color: teal }</style>[F1 Bar chart 1][F2 Bar chart 2]")
    }

    func testMissingPageTemplateIsNamed() throws {
        let folder = try templatesFolder(page: nil, css: "p {}")
        let text = errorMessage { _ = try ReportTemplates.load(from: folder) }
        XCTAssertTrue(text.contains(folder.appendingPathComponent("report.mustache").path), text)
    }

    func testMissingStyleSheetIsNamed() throws {
        let folder = try templatesFolder(page: "{{title}}", css: nil)
        let text = errorMessage { _ = try ReportTemplates.load(from: folder) }
        XCTAssertTrue(text.contains(folder.appendingPathComponent("report.css").path), text)
    }

    func testMissingPartialIsNamed() throws {
        let folder = try templatesFolder(page: "{{#blocks}}{{> blok}}{{/blocks}}", css: "")
        let text = errorMessage { _ = try ReportTemplates.load(from: folder) }
        XCTAssertTrue(text.contains("'blok'") && text.contains("blok.mustache"), text)
    }

    func testPartialsIncludingEachOtherAreRefusedInsteadOfOverflowingTheStack() throws {
        let folder = try templatesFolder(page: "{{#blocks}}{{> a}}{{/blocks}}", css: "",
                                         partials: ["a": "{{#figure}}{{> b}}{{/figure}}", "b": "{{> a}}"])
        let text = errorMessage { _ = try ReportTemplates.load(from: folder) }
        XCTAssertTrue(text.contains("cycle") && text.contains("a → b → a"), text)
        let selfIncluding = try templatesFolder(page: "{{#blocks}}{{> report}}{{/blocks}}", css: "")
        let selfText = errorMessage { _ = try ReportTemplates.load(from: selfIncluding) }
        XCTAssertTrue(selfText.contains("report → report"), selfText)
        let viaParent = try templatesFolder(page: "{{<frame}}{{/frame}}", css: "", partials: ["frame": "{{<report}}{{/report}}"])
        let parentText = errorMessage { _ = try ReportTemplates.load(from: viaParent) }
        XCTAssertTrue(parentText.contains("frame → report → frame"), parentText)
    }

    func testDynamicPartialsAreRefusedBecauseTheNotebookWouldNameThem() throws {
        let folder = try templatesFolder(page: "{{>*title}}", css: "", partials: ["x": "x"])
        let text = errorMessage { _ = try ReportTemplates.load(from: folder) }
        XCTAssertTrue(text.contains("dynamic partial '*title'"), text)
    }

    func testMissingTemplatesFolderIsNamed() throws {
        let text = errorMessage { _ = try ReportTemplates.load(from: URL(fileURLWithPath: "/nonexistent/finexl-templates")) }
        XCTAssertTrue(text.contains("/nonexistent/finexl-templates"), text)
    }

    func testParseErrorNamesFileAndLine() throws {
        let folder = try templatesFolder(page: "<html>\n<body>\n{{#blocks}}\n{{/block}}\n", css: "")
        let text = errorMessage { _ = try ReportTemplates.load(from: folder) }
        XCTAssertTrue(text.contains(folder.appendingPathComponent("report.mustache").path), text)
        XCTAssertTrue(text.contains("line 4"), text)
    }

    func testParseErrorInPartialNamesThePartial() throws {
        let folder = try templatesFolder(page: "{{> figure}}", css: "", partials: ["figure": "{{#a}}"])
        let text = errorMessage { _ = try ReportTemplates.load(from: folder) }
        XCTAssertTrue(text.contains("figure.mustache"), text)
    }

    func testEnvironmentVariableChoosesTemplatesFolder() throws {
        let folder = try templatesFolder(page: "env {{title}}", css: "")
        let templates = try ReportTemplates.standard(environment: ["FINEXL_TEMPLATES": folder.path],
                                                     executableURL: nil, currentDirectory: folder)
        XCTAssertEqual(templates.directory?.path, folder.path)
        XCTAssertEqual(try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: templates), "env Style LoRA")
    }

    func testEnvironmentVariableNamingMissingFolderIsAnError() throws {
        let text = errorMessage {
            _ = try ReportTemplates.standard(environment: ["FINEXL_TEMPLATES": "/nonexistent/t"],
                                             executableURL: nil, currentDirectory: URL(fileURLWithPath: "/"))
        }
        XCTAssertTrue(text.contains("/nonexistent/t"), text)
    }

    func testFindsTemplatesAboveTheExecutable() throws {
        let root = try makeDirectory()
        let templates = root.appendingPathComponent("Templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "found".write(to: templates.appendingPathComponent("report.mustache"), atomically: true, encoding: .utf8)
        try "".write(to: templates.appendingPathComponent("report.css"), atomically: true, encoding: .utf8)
        let bin = root.appendingPathComponent(".build/debug")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let empty = try makeDirectory()

        let located = ReportTemplates.locateProjectTemplates(executableURL: bin.appendingPathComponent("finexl"),
                                                             currentDirectory: empty)
        XCTAssertEqual(located?.standardizedFileURL.path, templates.standardizedFileURL.path)
        let fromCurrentDirectory = ReportTemplates.locateProjectTemplates(executableURL: nil, currentDirectory: bin)
        XCTAssertEqual(fromCurrentDirectory?.standardizedFileURL.path, templates.standardizedFileURL.path)
    }

    func testFallsBackToBuiltInCopyWhenNoTemplatesFolderExists() throws {
        let empty = try makeDirectory()
        let templates = try ReportTemplates.standard(environment: [:], executableURL: empty.appendingPathComponent("finexl"),
                                                     currentDirectory: empty)
        XCTAssertNil(templates.directory)
        let html = try ReportWriter.renderHTML(sampleDocument(), name: "r", templates: templates)
        XCTAssertTrue(html.contains("<h1 class=\"title\">Style LoRA</h1>"))
    }

    func testProjectTemplatesAreFoundFromTheTestExecutable() throws {
        let templates = try ReportTemplates.standard(environment: [:])
        XCTAssertEqual(templates.directory?.standardizedFileURL.path, projectTemplatesURL.standardizedFileURL.path)
    }
}
