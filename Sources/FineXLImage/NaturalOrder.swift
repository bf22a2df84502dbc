/// Orders names the way people number files: runs of digits compare by value ("2" < "10"),
/// everything else by bytes; names equal under that rule ("01" vs "1") fall back to byte order
/// so the order is total and the same on every machine.
enum NaturalOrder {
    static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        let order = compare(Array(a.utf8), Array(b.utf8))
        if order != 0 { return order < 0 }
        return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if isDigit(a[i]), isDigit(b[j]) {
                let startA = i, startB = j
                while i < a.count, isDigit(a[i]) { i += 1 }
                while j < b.count, isDigit(b[j]) { j += 1 }
                // Compare the numbers without parsing them, so any length works: drop leading
                // zeros, then the longer number is larger, then digit by digit.
                let digitsA = a[startA..<i].drop { $0 == 0x30 }
                let digitsB = b[startB..<j].drop { $0 == 0x30 }
                if digitsA.count != digitsB.count { return digitsA.count < digitsB.count ? -1 : 1 }
                for (x, y) in zip(digitsA, digitsB) where x != y { return x < y ? -1 : 1 }
            } else {
                if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
                i += 1
                j += 1
            }
        }
        let restA = a.count - i, restB = b.count - j
        return restA == restB ? 0 : (restA < restB ? -1 : 1)
    }
}
