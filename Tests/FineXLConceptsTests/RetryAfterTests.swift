@testable import FineXLConcepts
import Foundation
import XCTest

final class RetryAfterTests: XCTestCase {
    /// RFC 9110's example instant, Sun, 06 Nov 1994 08:49:37 GMT.
    private let instant = Date(timeIntervalSince1970: 784_111_777)

    func testDelayInSecondsIsTakenAsIs() {
        XCTAssertEqual(RetryAfter.delay("120", now: instant), 120)
        XCTAssertEqual(RetryAfter.delay(" 0 ", now: instant), 0)
        XCTAssertNil(RetryAfter.delay("-1", now: instant))
        XCTAssertNil(RetryAfter.delay("nan", now: instant))
    }

    func testAllThreeHTTPDateFormsGiveTheSecondsUntilThatInstant() {
        let now = instant.addingTimeInterval(-90)
        for form in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            XCTAssertEqual(RetryAfter.delay(form, now: now) ?? -1, 90, accuracy: 1e-6, form)
        }
    }

    func testDateAlreadyPastMeansNoWait() {
        XCTAssertEqual(RetryAfter.delay("Sun, 06 Nov 1994 08:49:37 GMT", now: instant.addingTimeInterval(30)), 0)
    }

    func testTwoDigitYearMoreThanFiftyYearsAheadIsThePastCentury() {
        let in2026 = Date(timeIntervalSince1970: 1_767_225_600)
        XCTAssertEqual(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT", now: in2026), Date(timeIntervalSince1970: 3_155_760_000))
        XCTAssertEqual(HTTPDate.parse("Saturday, 01-Jan-77 00:00:00 GMT", now: in2026), Date(timeIntervalSince1970: 220_924_800))
        let in2090 = Date(timeIntervalSince1970: 3_786_912_000)
        XCTAssertEqual(HTTPDate.parse("Tuesday, 01-Jan-30 00:00:00 GMT", now: in2090), Date(timeIntervalSince1970: 5_049_129_600),
                       "2130 is 40 years ahead of 2090, 2030 60 years behind")
    }

    func testValuesOfNeitherFormAreIgnored() {
        for value in ["soon", "", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                      "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Now 1994 08:49:37 GMT",
                      "Sun, 06 Nov +994 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov  6 08:49 1994"] {
            XCTAssertNil(RetryAfter.delay(value, now: instant), value)
        }
    }
}
