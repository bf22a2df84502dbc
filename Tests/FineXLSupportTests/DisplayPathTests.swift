import FineXLSupport
import Foundation
import XCTest

final class DisplayPathTests: XCTestCase {
    private let notebook = URL(fileURLWithPath: "/srv/projects/study/notebooks")

    private func shown(_ path: String, home: String? = "/home/ana") -> String {
        DisplayPath.relative(URL(fileURLWithPath: path), to: notebook, home: home)
    }

    func testAFileUnderTheNotebookFolderIsNamedFromIt() {
        XCTAssertEqual(shown("/srv/projects/study/notebooks/samples/base"), "samples/base")
        XCTAssertEqual(shown("/srv/projects/study/notebooks/./samples/../samples/base"), "samples/base")
        XCTAssertEqual(shown("/srv/projects/study/notebooks"), ".")
    }

    func testANearbyFolderIsReachedWithAFewParentSteps() {
        XCTAssertEqual(shown("/srv/projects/study/models/clip"), "../models/clip")
        XCTAssertEqual(shown("/srv/other/models"), "../../../other/models")
    }

    func testAFarFolderUnderHomeIsNamedWithATilde() {
        XCTAssertEqual(shown("/home/ana/models/clip"), "~/models/clip")
        XCTAssertEqual(shown("/home/ana"), "~")
        XCTAssertEqual(shown("/home/anabel/models", home: "/home/ana"), "/home/anabel/models", "a folder beside home is not under it")
    }

    func testAFarFolderElsewhereKeepsItsAbsolutePath() {
        XCTAssertEqual(shown("/opt/models/clip"), "/opt/models/clip")
        XCTAssertEqual(shown("/opt/models/clip", home: nil), "/opt/models/clip")
        XCTAssertEqual(shown("/opt/models/clip", home: "/"), "/opt/models/clip", "a root home folder names nothing")
    }
}
