import FineXLSupport

/// Chooses which pairs each proposal round shows: one seeded shuffle of all pairs, cut into
/// consecutive chunks, so rounds see different pairs until all have been shown.
struct PairSampler {
    let order: [Int]
    let pairsPerRound: Int

    init(pairCount: Int, pairsPerRound: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
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
