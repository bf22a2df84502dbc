import Foundation

/// An HTTP-date (RFC 9110 §5.6.7, formerly RFC 7231 §7.1.1.1): the IMF-fixdate servers send,
/// and the two obsolete forms recipients must still accept.
enum HTTPDate {
    private static let shortDays: Set<String> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longDays: Set<String> = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// The instant `text` names, or nil when it is none of the three forms. `now` places the
    /// two-digit year of the RFC 850 form.
    static func parse(_ text: String, now: Date = Date()) -> Date? {
        let fields = text.split(separator: " ").map(String.init)
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        if fields.count == 6, fields[0].hasSuffix(","), shortDays.contains(String(fields[0].dropLast())), fields[5] == "GMT",
           fields[1].count == 2, fields[3].count == 4 {
            return date(year: number(fields[3]), month: fields[2], day: number(fields[1]), time: fields[4])
        }
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
        if fields.count == 4, fields[0].hasSuffix(","), longDays.contains(String(fields[0].dropLast())), fields[3] == "GMT" {
            let parts = fields[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts[0].count == 2, parts[2].count == 2, let twoDigits = number(parts[2]) else { return nil }
            return date(year: fullYear(twoDigits, now: now), month: parts[1], day: number(parts[0]), time: fields[2])
        }
        // asctime: "Sun Nov  6 08:49:37 1994"
        if fields.count == 5, shortDays.contains(fields[0]), (1...2).contains(fields[2].count), fields[4].count == 4 {
            return date(year: number(fields[4]), month: fields[1], day: number(fields[2]), time: fields[3])
        }
        return nil
    }

    /// RFC 9110: a two-digit year that would be more than 50 years in the future is the most
    /// recent past year with those digits.
    private static func fullYear(_ twoDigits: Int, now: Date) -> Int {
        let current = calendar.component(.year, from: now)
        var year = current - current % 100 + twoDigits
        if year > current + 50 { year -= 100 }
        if year < current - 50 { year += 100 }
        return year
    }

    /// ASCII digits only: `Int` alone would also take "+6".
    private static func number(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    /// `time` is "HH:MM:SS"; a day the month does not have (31 Feb) is no date.
    private static func date(year: Int?, month: String, day: Int?, time: String) -> Date? {
        let clock = time.split(separator: ":", omittingEmptySubsequences: false)
        guard let year, let day, let monthNumber = months.firstIndex(of: month).map({ $0 + 1 }),
              clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
              let hour = number(clock[0]), let minute = number(clock[1]), let second = number(clock[2]),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let components = DateComponents(year: year, month: monthNumber, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
              calendar.dateComponents([.year, .month, .day], from: date)
                == DateComponents(year: year, month: monthNumber, day: day) else { return nil }
        return date
    }
}
