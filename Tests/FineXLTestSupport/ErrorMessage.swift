import FineXLSupport
import XCTest

/// The message of the `FineXLError` that `body` throws; fails the test, at the caller's line,
/// when it throws nothing or another error.
public func errorMessage(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String {
    do {
        try body()
        XCTFail("expected a FineXLError", file: file, line: line)
    } catch let error as FineXLError {
        return error.message
    } catch {
        XCTFail("expected a FineXLError, got \(error)", file: file, line: line)
    }
    return ""
}
