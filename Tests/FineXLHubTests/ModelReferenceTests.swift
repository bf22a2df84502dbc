@testable import FineXLHub
import Foundation
import XCTest

final class ModelReferenceTests: XCTestCase {
    func testHubIDWithAndWithoutRevision() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-no-such-\(UUID().uuidString)")
        XCTAssertEqual(ModelReference(parsing: "openai/clip-vit-base-patch32", relativeTo: directory),
                       .hub(HubModelID(repository: "openai/clip-vit-base-patch32")))
        XCTAssertEqual(ModelReference(parsing: "org/tiny-clip@v1.0", relativeTo: directory),
                       .hub(HubModelID(repository: "org/tiny-clip", revision: "v1.0")))
        XCTAssertEqual(ModelReference(parsing: "org/tiny-clip@refs/pr/1", relativeTo: directory),
                       .hub(HubModelID(repository: "org/tiny-clip", revision: "refs/pr/1")))
    }

    func testExistingPathIsAFolderEvenWhenShapedLikeAnID() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-ref-\(UUID().uuidString)")
        let folder = directory.appendingPathComponent("models/clip")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for text in ["models/clip", folder.path] {
            guard case .folder(let url) = ModelReference(parsing: text, relativeTo: directory) else {
                return XCTFail("the folder \(text) was taken for a hub id")
            }
            XCTAssertEqual(url.path, folder.standardizedFileURL.path)
        }
    }

    func testPathsThatCannotBeIDsStayFolders() {
        let directory = URL(fileURLWithPath: "/nonexistent-finexl")
        for text in ["./org/name", "../org/name", "/abs/org/name", "a/b/c", "org/na--me", "org/-name", "org/name@", "single"] {
            guard case .folder = ModelReference(parsing: text, relativeTo: directory) else {
                return XCTFail("\(text) was taken for a hub id")
            }
        }
    }

    func testCacheLocationFollowsHuggingFaceHubVariables() {
        XCTAssertEqual(HubSettings(environment: ["HF_HUB_CACHE": "/c/hub", "HF_HOME": "/h"]).cache.path, "/c/hub")
        XCTAssertEqual(HubSettings(environment: ["HF_HOME": "/h"]).cache.path, "/h/hub")
        XCTAssertEqual(HubSettings(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/home/u"]).cache.path, "/x/huggingface/hub")
        XCTAssertEqual(HubSettings(environment: ["HOME": "/home/u"]).cache.path, "/home/u/.cache/huggingface/hub")
        XCTAssertTrue(HubSettings(environment: ["HF_HUB_OFFLINE": "1"]).offline)
        XCTAssertFalse(HubSettings(environment: ["HF_HUB_OFFLINE": "0"]).offline)
        XCTAssertEqual(HubSettings(environment: ["HF_ENDPOINT": "http://127.0.0.1:9/"]).endpoint.absoluteString, "http://127.0.0.1:9")
    }

    func testEtagsAreUnquotedAndWeakMarksDropped() {
        XCTAssertEqual(HubFileMetadata.normalize(etag: "W/\"abc\""), "abc")
        XCTAssertEqual(HubFileMetadata.normalize(etag: "\"abc\""), "abc")
        XCTAssertEqual(HubFileMetadata.normalize(etag: "abc"), "abc")
    }
}
