@testable import FineXLHub
import Foundation
import XCTest

final class HubResolverTests: XCTestCase {
    private var home: URL!

    override func setUpWithError() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("finexl-hf-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: home)
    }

    private var cache: URL { home.appendingPathComponent("hub") }
    private var repoFolder: URL { cache.appendingPathComponent("models--org--tiny-clip") }

    private func resolver(_ hub: FakeHub?, token: String? = nil, offline: Bool = false) -> HubResolver {
        var environment = ["HF_HOME": home.path, "HF_ENDPOINT": hub?.endpoint ?? "http://127.0.0.1:1",
                           "HF_HUB_ETAG_TIMEOUT": "5", "HF_HUB_DOWNLOAD_TIMEOUT": "5"]
        if let token { environment["HF_TOKEN"] = token }
        if offline { environment["HF_HUB_OFFLINE"] = "1" }
        var settings = HubSettings(environment: environment)
        settings.showProgress = false
        return HubResolver(settings: settings)
    }

    private func hubError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> HubError? {
        do {
            try body()
            XCTFail("expected a HubError", file: file, line: line)
        } catch let error as HubError {
            return error
        } catch {
            XCTFail("expected a HubError, got \(error)", file: file, line: line)
        }
        return nil
    }

    private func fixtureBytes(_ name: String) throws -> Data {
        try Data(contentsOf: FakeHub.fixture.appendingPathComponent(name))
    }

    func testDownloadsIntoTheHuggingFaceLayoutOnceThenServesFromTheCache() throws {
        let hub = try FakeHub()
        let folder = try resolver(hub, token: "secret").resolve(HubModelID(repository: "org/tiny-clip"))
        XCTAssertEqual(folder.path, repoFolder.appendingPathComponent("snapshots/\(FakeHub.commit)").path)
        XCTAssertEqual(try String(contentsOf: repoFolder.appendingPathComponent("refs/main"), encoding: .utf8), FakeHub.commit)
        for name in ["config.json", "model.safetensors", "vocab.json", "merges.txt", "preprocessor_config.json"] {
            let data = try fixtureBytes(name)
            let etag = FakeHub.largeFiles.contains(name) ? FakeHub.sha256(data) : FakeHub.smallEtag(data)
            let link = try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent(name).path)
            XCTAssertEqual(link, "../../blobs/\(etag)", name)
            XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent(name)), data, name)
        }
        let blobs = try FileManager.default.contentsOfDirectory(atPath: repoFolder.appendingPathComponent("blobs").path)
        XCTAssertEqual(blobs.count, 5)
        XCTAssertFalse(blobs.contains { $0.hasSuffix(".incomplete") })

        // The token went to the hub, never to the CDN the large file's redirect named.
        let cdnRequests = hub.requests.filter { $0.path.hasPrefix("/cdn/") }
        XCTAssertEqual(cdnRequests.count, 1)
        XCTAssertNil(cdnRequests[0].headers["authorization"])
        XCTAssertTrue(hub.requests.filter { !$0.path.hasPrefix("/cdn/") }.allSatisfy { $0.headers["authorization"] == "Bearer secret" })
        XCTAssertTrue(hub.requests.contains { $0.method == "HEAD" && $0.path.hasSuffix("/model.safetensors") })

        let asked = hub.requests.count
        XCTAssertEqual(try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip")), folder)
        XCTAssertEqual(hub.requests.count, asked, "a cached model was asked for again")
        XCTAssertEqual(try resolver(nil, offline: true).resolve(HubModelID(repository: "org/tiny-clip")), folder)
    }

    func testARenamedRepositoryIsFollowedWithTheTokenButTheCDNGetsNone() throws {
        let hub = try FakeHub()
        let folder = try resolver(hub, token: "secret").resolve(HubModelID(repository: "org/old-name"))
        XCTAssertEqual(folder.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent, "models--org--old-name")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("merges.txt")), try fixtureBytes("merges.txt"))
        let followed = hub.requests.filter { $0.path.hasPrefix("/org/tiny-clip/") }
        XCTAssertFalse(followed.isEmpty)
        XCTAssertTrue(followed.allSatisfy { $0.headers["authorization"] == "Bearer secret" })
        XCTAssertTrue(hub.requests.filter { $0.path.hasPrefix("/cdn/") }.allSatisfy { $0.headers["authorization"] == nil })
    }

    func testRevisionAndCommitPinning() throws {
        let hub = try FakeHub()
        let tagged = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip", revision: "v1"))
        XCTAssertEqual(tagged.lastPathComponent, FakeHub.tagCommit)
        XCTAssertEqual(try String(contentsOf: repoFolder.appendingPathComponent("refs/v1"), encoding: .utf8), FakeHub.tagCommit)
        // Blobs are shared between snapshots: the second revision downloads nothing large again.
        let pinned = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip", revision: FakeHub.commit))
        XCTAssertEqual(pinned.lastPathComponent, FakeHub.commit)
        XCTAssertEqual(hub.requests.filter { $0.path.hasPrefix("/cdn/") }.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repoFolder.appendingPathComponent("refs/\(FakeHub.commit)").path))
    }

    func testUsesAModelHuggingFaceHubAlreadyDownloadedWithoutTheNetwork() throws {
        // The layout huggingface_hub writes, made by hand; no server is running at the endpoint.
        let commit = "0123456789abcdef0123456789abcdef01234567"
        let snapshot = repoFolder.appendingPathComponent("snapshots/\(commit)")
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repoFolder.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repoFolder.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try commit.write(to: repoFolder.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)
        for name in ["config.json", "model.safetensors", "vocab.json", "merges.txt"] {
            let data = try fixtureBytes(name)
            let etag = FakeHub.sha256(data)
            try data.write(to: repoFolder.appendingPathComponent("blobs/\(etag)"))
            try FileManager.default.createSymbolicLink(atPath: snapshot.appendingPathComponent(name).path,
                                                       withDestinationPath: "../../blobs/\(etag)")
        }
        XCTAssertEqual(try resolver(nil).resolve(HubModelID(repository: "org/tiny-clip")).path, snapshot.path)
    }

    func testOfflineWithoutTheModelNamesWhatIsMissingAndSendsNothing() throws {
        let hub = try FakeHub()
        let error = hubError { _ = try resolver(hub, offline: true).resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertEqual(error?.kind, .offlineMissing)
        XCTAssertTrue(error?.message.contains("org/tiny-clip") ?? false)
        XCTAssertTrue(error?.message.contains("HF_HUB_OFFLINE") ?? false)
        XCTAssertTrue(error?.message.contains("huggingface-cli download org/tiny-clip") ?? false)
        XCTAssertTrue(hub.requests.isEmpty)
    }

    func testOfflineWithAPartialSnapshotNamesTheMissingFiles() throws {
        let hub = try FakeHub()
        let folder = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("vocab.json"))
        let error = hubError { _ = try resolver(hub, offline: true).resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertEqual(error?.kind, .offlineMissing)
        XCTAssertTrue(error?.message.contains("the cached snapshot lacks vocab.json") ?? false, error?.message ?? "")
        // Online again: the first answer names the commit, then only the missing file is asked for at that
        // commit, and its blob, still in the cache, is linked again without a download.
        let asked = hub.requests.count
        XCTAssertEqual(try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip")).path, folder.path)
        XCTAssertEqual(hub.requests.dropFirst(asked).map { "\($0.method) \($0.path)" },
                       ["HEAD /org/tiny-clip/resolve/main/config.json", "HEAD /org/tiny-clip/resolve/\(FakeHub.commit)/vocab.json"])
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("vocab.json")), try fixtureBytes("vocab.json"))
    }

    func testUnreachableHubFailsFastWithAHowTo() throws {
        let start = Date()
        let error = hubError { _ = try resolver(nil).resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertEqual(error?.kind, .unreachable)
        XCTAssertTrue(error?.message.contains("config.json") ?? false)
        XCTAssertTrue(error?.message.contains("huggingface-cli download") ?? false)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testAHubThatNeverAnswersFailsWithinTheTimeout() throws {
        let server = try HubTestServer { _ in HubTestServer.Reply(status: 200, hang: true) }
        defer { server.stop() }
        var settings = HubSettings(environment: ["HF_HOME": home.path, "HF_ENDPOINT": server.endpoint, "HF_HUB_ETAG_TIMEOUT": "1"])
        settings.showProgress = false
        let start = Date()
        let error = hubError { _ = try HubResolver(settings: settings).resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertEqual(error?.kind, .unreachable)
        XCTAssertTrue(error?.message.contains("no answer within 1 s") ?? false, error?.message ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(start), 4)
    }

    func testTwoResolversAtOnceDownloadEachBlobOnce() throws {
        let hub = try FakeHub()
        let resolver = resolver(hub)
        let failures = LockedList()
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            do { _ = try resolver.resolve(HubModelID(repository: "org/tiny-clip")) } catch { failures.append("\(error)") }
        }
        XCTAssertEqual(failures.items, [])
        XCTAssertEqual(hub.requests.filter { $0.path.hasPrefix("/cdn/") }.count, 1)
        let folder = repoFolder.appendingPathComponent("snapshots/\(FakeHub.commit)")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")), try fixtureBytes("model.safetensors"))
    }

    func testNoSuchRepository() throws {
        let hub = try FakeHub()
        let error = hubError { _ = try resolver(hub).resolve(HubModelID(repository: "org/no-such-model")) }
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertTrue(error?.message.contains("org/no-such-model: no such repository") ?? false, error?.message ?? "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("models--org--no-such-model/snapshots").path))
    }

    func testNoSuchRevision() throws {
        let hub = try FakeHub()
        let error = hubError { _ = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip", revision: "nope")) }
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertTrue(error?.message.contains("no revision nope") ?? false, error?.message ?? "")
    }

    func testGatedRepositoryNeedsAToken() throws {
        var options = FakeHub.Options()
        options.gated = true
        let hub = try FakeHub(options)
        let error = hubError { _ = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertEqual(error?.kind, .accessDenied)
        XCTAssertTrue(error?.message.contains("gated") ?? false)
        XCTAssertTrue(error?.message.contains("HF_TOKEN") ?? false)
        let refused = hubError { _ = try resolver(hub, token: "wrong").resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertTrue(refused?.message.contains("has not been granted access") ?? false, refused?.message ?? "")
        XCTAssertNoThrow(try resolver(hub, token: "good-token").resolve(HubModelID(repository: "org/tiny-clip")))
    }

    func testCorruptLargeFileIsRejectedAndNothingIsLinked() throws {
        var options = FakeHub.Options()
        options.corruptLargeFile = true
        let hub = try FakeHub(options)
        let error = hubError { _ = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertEqual(error?.kind, .checksumMismatch)
        XCTAssertTrue(error?.message.contains("model.safetensors of model org/tiny-clip") ?? false, error?.message ?? "")
        let snapshot = repoFolder.appendingPathComponent("snapshots/\(FakeHub.commit)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: snapshot.appendingPathComponent("model.safetensors").path))
        let blobs = try FileManager.default.contentsOfDirectory(atPath: repoFolder.appendingPathComponent("blobs").path)
        let sha = FakeHub.sha256(try fixtureBytes("model.safetensors"))
        XCTAssertFalse(blobs.contains { $0.hasPrefix(sha) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: repoFolder.appendingPathComponent("refs/main").path))
    }

    func testBrokenConnectionIsResumedWithARangeRequest() throws {
        var options = FakeHub.Options()
        options.cutFirstDownloadAfter = 300_000
        let hub = try FakeHub(options)
        let folder = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip"))
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")), try fixtureBytes("model.safetensors"))
        let ranges = hub.requests.filter { $0.path.hasPrefix("/cdn/") }.map { $0.headers["range"] }
        XCTAssertEqual(ranges.count, 2)
        XCTAssertNil(ranges[0])
        // Resumed past what had arrived (the client may have written all, or slightly less, of the first 300 000 bytes).
        let resumedAt = Int(ranges[1]?.dropFirst("bytes=".count).dropLast() ?? "") ?? 0
        XCTAssertGreaterThan(resumedAt, 0)
        XCTAssertLessThanOrEqual(resumedAt, 300_000)
    }

    func testAnIncompleteBlobLeftByAnEarlierRunIsResumed() throws {
        let hub = try FakeHub()
        let data = try fixtureBytes("model.safetensors")
        let blobs = repoFolder.appendingPathComponent("blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try data.prefix(400_000).write(to: blobs.appendingPathComponent(FakeHub.sha256(data) + ".incomplete"))
        let folder = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip"))
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")), data)
        XCTAssertEqual(hub.requests.filter { $0.path.hasPrefix("/cdn/") }.map { $0.headers["range"] }, ["bytes=400000-"])
    }

    func testAFullDiskIsNamedAndLeavesNoLink() throws {
        let hub = try FakeHub()
        let data = try fixtureBytes("model.safetensors")
        let blobs = repoFolder.appendingPathComponent("blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        // Every write to /dev/full fails with ENOSPC, as on a full disk.
        try FileManager.default.createSymbolicLink(atPath: blobs.appendingPathComponent(FakeHub.sha256(data) + ".incomplete").path,
                                                   withDestinationPath: "/dev/full")
        let error = hubError { _ = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertEqual(error?.kind, .writeFailed)
        XCTAssertTrue(error?.message.contains("disk is full") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("model.safetensors of model org/tiny-clip") ?? false)
        let snapshot = repoFolder.appendingPathComponent("snapshots/\(FakeHub.commit)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: snapshot.appendingPathComponent("model.safetensors").path))
    }

    func testAMissingOptionalFileIsRecordedNotFatal() throws {
        var options = FakeHub.Options()
        options.absent = ["preprocessor_config.json"]
        let hub = try FakeHub(options)
        let folder = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path))
        XCTAssertTrue(FileManager.default.fileExists(
            atPath: repoFolder.appendingPathComponent(".no_exist/\(FakeHub.commit)/preprocessor_config.json").path))
    }

    func testAMissingRequiredFileIsNamed() throws {
        var options = FakeHub.Options()
        options.absent = ["merges.txt"]
        let hub = try FakeHub(options)
        let error = hubError { _ = try resolver(hub).resolve(HubModelID(repository: "org/tiny-clip")) }
        XCTAssertEqual(error?.kind, .notFound)
        XCTAssertTrue(error?.message.contains("has no file merges.txt") ?? false, error?.message ?? "")
    }
}

private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var items: [String] { lock.withLock { stored } }
    func append(_ item: String) { lock.withLock { stored.append(item) } }
}
