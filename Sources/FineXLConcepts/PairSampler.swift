/// Chooses which pairs each proposal round shows: one seeded shuffle of all pairs, cut into
/// consecutive chunks, so rounds see different pairs until all have been shown.
struct PairSampler {
    let order: [Int]
    let pairsPerRound: Int

    init(pairCount: Int, pairsPerRound: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var order = Array(0..<pairCount)
        // Fisher–Yates with our own generator: the standard library's shuffle may change between releases.
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                let j = Int(generator.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        self.order = order
        self.pairsPerRound = min(pairsPerRound, pairCount)
    }

    /// Pair indices for a 0-based round.
    func pairs(forRound round: Int) -> [Int] {
        guard !order.isEmpty else { return [] }
        return (0..<pairsPerRound).map { order[(round * pairsPerRound + $0) % order.count] }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, and the same numbers on every platform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
