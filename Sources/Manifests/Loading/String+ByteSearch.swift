extension String {
    /// Whether `needle` occurs in the string, compared byte for byte in UTF-8. Foundation's
    /// `contains(_:)` goes through `range(of:)` and a `CFString` per call, which showed in the
    /// profile of loading 10,000 manifests; every needle here is ASCII punctuation.
    func containsBytes(_ needle: String) -> Bool {
        let haystack = utf8, pattern = Array(needle.utf8)
        guard let first = pattern.first else { return true }
        guard haystack.count >= pattern.count else { return false }
        var index = haystack.startIndex
        while let found = haystack[index...].firstIndex(of: first) {
            if haystack[found...].starts(with: pattern) { return true }
            index = haystack.index(after: found)
        }
        return false
    }
}
